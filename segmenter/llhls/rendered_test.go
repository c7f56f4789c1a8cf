package llhls

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// avStream is a muxer with video and AAC audio, 2.5 s in, the audio
// written 100 ms behind the video.
func avStream(t *testing.T) *Muxer {
	t.Helper()
	v, a := videoTrack(), aacTrack()
	m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v, a}})
	k := 0
	for _, f := range frames([]int{30, 30, 30}, false)[:75] {
		if err := m.WriteSample(f.sample(v)); err != nil {
			t.Fatal(err)
		}
		for ; ticksToDuration(int64(k)*1024, 48000)+100*time.Millisecond <= ticksToDuration(f.dts, 90000); k++ {
			if err := m.WriteSample(aacSample(a, k, 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	return m
}

// uris lists every URI of a playlist.
func uris(t *testing.T, name string, body []byte) []string {
	t.Helper()
	var out []string
	if name == "index.m3u8" {
		mv := multivariantOf(t, body)
		for _, v := range mv.Variants {
			out = append(out, v.URI)
		}
		for _, r := range mv.Renditions {
			out = append(out, *r.URI)
		}
		if len(out) != 2 {
			t.Fatalf("%d URIs in the multivariant playlist, want the variant and the audio", len(out))
		}
		return out
	}
	m := mediaOf(t, body)
	out = append(out, m.Map.URI, m.PreloadHint.URI)
	for _, s := range m.Segments {
		out = append(out, s.URI)
		for _, p := range s.Parts {
			out = append(out, p.URI)
		}
	}
	for _, p := range m.Parts {
		out = append(out, p.URI)
	}
	if len(m.RenditionReport) != 1 {
		t.Fatalf("%d rendition reports, want 1", len(m.RenditionReport))
	}
	return append(out, m.RenditionReport[0].URI)
}

func TestRenderedURIsCarryOnlyTheToken(t *testing.T) {
	m := avStream(t)
	var junk []string
	for i := range 300 {
		junk = append(junk, fmt.Sprintf("k%d=v%d", i, i))
	}
	junk = append(junk, "huge="+strings.Repeat("h", 100000), "_HLS_push=1", "_HLS_report=audio.m3u8",
		"_HLS_skip=NO", "_HLS_msn_=4", "_hls_part=2", "TOKEN=upper", "=", "&&", "x=%3Ftoken%3Devil")
	noise := strings.Join(junk, "&")
	cases := []struct{ name, query, token string }{
		{"no query", "", ""},
		{"junk", noise, ""},
		{"token", "token=" + jwt, jwt},
		{"token amid junk", noise + "&token=" + jwt + "&" + noise[:500], jwt},
	}
	for _, tc := range cases {
		for _, name := range []string{"index.m3u8", "video.m3u8", "audio.m3u8"} {
			t.Run(tc.name+"/"+name, func(t *testing.T) {
				res := get(t, m, name+"?"+tc.query, "Accept-Encoding", "gzip")
				body := res.Body.Bytes()
				if res.Code != http.StatusOK || res.Header().Get("Content-Length") != strconv.Itoa(len(body)) {
					t.Fatalf("%d, Content-Length %s for %d bytes", res.Code, res.Header().Get("Content-Length"), len(body))
				}
				if res.Header().Get("Content-Encoding") == "gzip" {
					body = gunzip(t, body)
				}
				for _, uri := range uris(t, name, body) {
					base, q, hasQuery := strings.Cut(uri, "?")
					if base == "" || strings.ContainsAny(base, "?&=%") || hasQuery != (tc.token != "") ||
						(hasQuery && q != "token="+tc.token) {
						t.Errorf("URI %q", uri)
					}
				}
				for _, s := range []string{"k1=", "huge", "_HLS_push", "_HLS_report", "evil", "upper"} {
					if strings.Contains(string(body), s) {
						t.Errorf("the playlist holds %q", s)
					}
				}
			})
		}
	}
}

func TestRenderedRejectsMalformedToken(t *testing.T) {
	m := avStream(t)
	for _, query := range []string{
		"token=", "token=a%20b", "token=a+b", "token=a/b", "token=a%2Fb", `token=a"b`, "token=<x>",
		"token=" + strings.Repeat("a", maxTokenLen+1), "token=a&token=a",
	} {
		for _, name := range []string{"index.m3u8", "video.m3u8", segmentName(m.prefix, "video", 0, ".mp4")} {
			if res := get(t, m, name+"?"+query); res.Code != http.StatusBadRequest {
				t.Errorf("%s?%.40s: %d, want 400", name, query, res.Code)
			}
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	cases := []struct {
		header []string
		want   bool
	}{
		{nil, false},
		{[]string{"gzip"}, true},
		{[]string{"GZIP"}, true},
		{[]string{"x-gzip"}, true},
		{[]string{"deflate, br"}, false},
		{[]string{"br", "gzip"}, true},
		{[]string{"gzip;q=0"}, false},
		{[]string{"gzip; q=0.000"}, false},
		{[]string{"gzip;q=0.5"}, true},
		{[]string{"*;q=0.1"}, true},
		{[]string{"identity, *;q=0"}, false},
		{[]string{"gzipped"}, false},
	}
	for _, tc := range cases {
		h := http.Header{}
		for _, v := range tc.header {
			h.Add("Accept-Encoding", v)
		}
		if got := acceptsGzip(h); got != tc.want {
			t.Errorf("Accept-Encoding %q: %v, want %v", tc.header, got, tc.want)
		}
	}
}
