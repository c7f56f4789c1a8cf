package segmenter

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
)

var acceptsGzipCases = []struct {
	header string
	want   bool
}{
	{"", false},
	{"gzip", true},
	{"gzip, deflate, br", true},
	{"br;q=1.0, GZIP;q=0.5", true},
	{"gzip;q=0", false},
	{"gzip; q=0.000", false},
	{"identity", false},
	{"*", true},
	{"x-gzip", true},
	{"deflate, *;q=0", false},
	{"gzipped", false},
}

func TestAcceptsGzip(t *testing.T) {
	for _, c := range acceptsGzipCases {
		h := http.Header{}
		if c.header != "" {
			h.Set("Accept-Encoding", c.header)
		}
		if got := acceptsGzip(h); got != c.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", c.header, got, c.want)
		}
	}
}

func FuzzAcceptsGzip(f *testing.F) {
	for _, c := range acceptsGzipCases {
		f.Add(c.header)
	}
	f.Fuzz(func(t *testing.T, header string) {
		acceptsGzip(http.Header{"Accept-Encoding": {header}})
	})
}

func TestPlaylistGzip(t *testing.T) {
	const playlist = "#EXTM3U\n#EXT-X-VERSION:10\n"
	cases := []struct {
		name        string
		contentType string
		status      int
		accept      string
		wantGzip    bool
		wantVary    bool
	}{
		{"a playlist to a client that accepts gzip", "application/vnd.apple.mpegurl", 200, "gzip", true, true},
		{"a playlist to one that does not", "application/vnd.apple.mpegurl", 200, "", false, true},
		{"a segment", "video/mp4", 200, "gzip", false, false},
		{"an error", "text/plain", 404, "gzip", false, false},
	}
	var g playlistGzip
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for range 2 { // the second time with a pooled writer
				buf := &bufferedResponse{header: http.Header{}}
				buf.header.Set("Content-Type", c.contentType)
				buf.header.Set("Cache-Control", "no-cache")
				buf.WriteHeader(c.status)
				_, _ = buf.Write([]byte(playlist))
				r := httptest.NewRequest(http.MethodGet, "/live/main/index.m3u8", nil)
				if c.accept != "" {
					r.Header.Set("Accept-Encoding", c.accept)
				}
				g.encode(buf, r)
				body := buf.body
				if gz := buf.header.Get("Content-Encoding") == "gzip"; gz != c.wantGzip {
					t.Fatalf("Content-Encoding %q, want gzip %v", buf.header.Get("Content-Encoding"), c.wantGzip)
				}
				if c.wantGzip {
					zr, err := gzip.NewReader(bytes.NewReader(body))
					if err != nil {
						t.Fatal(err)
					}
					if body, err = io.ReadAll(zr); err != nil {
						t.Fatal(err)
					}
				}
				if string(body) != playlist {
					t.Fatalf("body %q, want %q", body, playlist)
				}
				if vary := buf.header.Get("Vary") == "Accept-Encoding"; vary != c.wantVary {
					t.Errorf("Vary %q, want Accept-Encoding %v", buf.header.Get("Vary"), c.wantVary)
				}
				if buf.header.Get("Cache-Control") != "no-cache" || buf.header.Get("Content-Type") != c.contentType {
					t.Errorf("headers changed: %v", buf.header)
				}
			}
		})
	}
}
