package vod

import (
	"bytes"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
)

// get asks p for target and returns the answer.
func get(t *testing.T, p http.Handler, target string) *http.Response {
	t.Helper()
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest(http.MethodGet, target, nil))
	return w.Result()
}

func body(t *testing.T, res *http.Response) []byte {
	t.Helper()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func start(t *testing.T, path string) *Playlist {
	t.Helper()
	p := &Playlist{Path: path, Name: "film", Logger: slog.New(slog.DiscardHandler)}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

func TestPlaylist(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"mp4", []string{"-f", "mp4"}},
		{"mpegts", []string{"-f", "mpegts"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := start(t, media(t, "clip", 7, tc.args...))
			res := get(t, p, "/live/film/index.m3u8")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.apple.mpegurl" {
				t.Fatalf("index.m3u8: %s, %q", res.Status, res.Header.Get("Content-Type"))
			}
			text := body(t, res)
			for _, tag := range []string{"#EXT-X-VERSION:7", "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-ENDLIST", `#EXT-X-MAP:URI="init.mp4"`} {
				if !bytes.Contains(text, []byte(tag+"\n")) {
					t.Errorf("the playlist lacks %s:\n%s", tag, text)
				}
			}
			var m playlist.Media
			if err := m.Unmarshal(text); err != nil {
				t.Fatal(err)
			}
			var total time.Duration
			for n, s := range m.Segments {
				total += s.Duration
				if s.URI != "seg"+strconv.Itoa(n)+".mp4" {
					t.Errorf("segment %d is %q", n, s.URI)
				}
				if s.Duration > time.Duration(m.TargetDuration)*time.Second {
					t.Errorf("segment %d lasts %v, over the target %ds", n, s.Duration, m.TargetDuration)
				}
				if n < len(m.Segments)-1 && s.Duration < 2*time.Second {
					t.Errorf("segment %d lasts %v, less than 2s", n, s.Duration)
				}
			}
			if len(m.Segments) != 4 {
				t.Errorf("%d segments, want 4 (2 s at least, keyframes every second, 7 s)", len(m.Segments))
			}
			if d := total - p.f.Duration(); d < -time.Second/30 || d > time.Second/30 {
				t.Errorf("segments last %v in all, the file %v", total, p.f.Duration())
			}

			res = get(t, p, "/live/film/init.mp4")
			if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "video/mp4" {
				t.Fatalf("init.mp4: %s, %q", res.Status, res.Header.Get("Content-Type"))
			}
			var init fmp4.Init
			if err := init.Unmarshal(bytes.NewReader(body(t, res))); err != nil {
				t.Fatal(err)
			}
			if len(init.Tracks) != 2 {
				t.Fatalf("init.mp4 has %d tracks", len(init.Tracks))
			}
			if _, ok := init.Tracks[0].Codec.(*fmp4.CodecH264); !ok {
				t.Fatalf("track 1 is %T", init.Tracks[0].Codec)
			}

			frames, reordered := 0, 0
			var nextVideo uint64
			for n, s := range m.Segments {
				res := get(t, p, "/live/film/"+s.URI)
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "video/mp4" {
					t.Fatalf("%s: %s, %q", s.URI, res.Status, res.Header.Get("Content-Type"))
				}
				var parts fmp4.Parts
				if err := parts.Unmarshal(body(t, res)); err != nil {
					t.Fatalf("%s: %v", s.URI, err)
				}
				if len(parts) != 1 || len(parts[0].Tracks) != 2 {
					t.Fatalf("%s: want one fragment with two tracks", s.URI)
				}
				v := parts[0].Tracks[0]
				if v.ID != 1 || len(v.Samples) == 0 || v.Samples[0].IsNonSyncSample {
					t.Errorf("%s does not start with a video keyframe", s.URI)
				}
				if n > 0 && v.BaseTime != nextVideo {
					t.Errorf("%s: video starts at %d, the previous segment ended at %d", s.URI, v.BaseTime, nextVideo)
				}
				nextVideo = v.BaseTime
				for _, sa := range v.Samples {
					frames++
					nextVideo += uint64(sa.Duration)
					if sa.PTSOffset > 0 {
						reordered++
					}
				}
			}
			if frames != 210 {
				t.Errorf("%d video frames in the segments, want 210", frames)
			}
			if reordered == 0 {
				t.Error("no B-frames kept their PTS offset")
			}
		})
	}
}

func TestPlaylistToken(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 3))
	for _, tc := range []struct {
		query, suffix string
	}{
		{"", ""},
		{"?token=abc", "?token=abc"},
		{"?token=a%20b%26c&other=1", "?token=a+b%26c"},
		{"?other=1", ""},
	} {
		for _, r := range []struct{ dir, ext string }{{"", ".mp4"}, {"legacy/", ".ts"}} {
			t.Run(r.dir+tc.query, func(t *testing.T) {
				text := string(body(t, get(t, p, "/live/film/"+r.dir+"index.m3u8"+tc.query)))
				uris := 0
				for _, line := range strings.Split(text, "\n") {
					uri := line
					if u, ok := strings.CutPrefix(line, "#EXT-X-MAP:URI="); ok {
						uri = strings.Trim(u, `"`)
					} else if line == "" || strings.HasPrefix(line, "#") {
						continue
					}
					uris++
					want := r.ext + tc.suffix
					if !strings.HasSuffix(uri, want) || strings.Count(uri, "?") > 1 || strings.Contains(uri, "other") {
						t.Errorf("URI %q, want it to end in %q", uri, want)
					}
				}
				if uris < 2 {
					t.Errorf("%d URIs in\n%s", uris, text)
				}
			})
		}
	}
}

func TestPlaylistNotFound(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 3))
	for _, name := range []string{"seg9.mp4", "seg01.mp4", "seg-1.mp4", "seg+1.mp4", "seg.mp4", "seg0.m4s", "index.m3u", "other.m3u8", "", "init.mp4/x",
		"seg0.ts", "legacy/seg0.mp4", "legacy/init.mp4", "legacy/seg9.ts", "legacy/seg01.ts", "legacy/seg0.ts/x", "legacy", "legacy/"} {
		if res := get(t, p, "/live/film/"+name); res.StatusCode != http.StatusNotFound {
			t.Errorf("%q: %s, want 404", name, res.Status)
		}
	}
	w := httptest.NewRecorder()
	p.ServeHTTP(w, httptest.NewRequest(http.MethodPost, "/live/film/index.m3u8", nil))
	if w.Code != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", w.Code)
	}
}

func TestPlaylistRange(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 3))
	whole := body(t, get(t, p, "/seg0.mp4"))
	req := httptest.NewRequest(http.MethodGet, "/seg0.mp4", nil)
	req.Header.Set("Range", "bytes=100-199")
	w := httptest.NewRecorder()
	p.ServeHTTP(w, req)
	if w.Code != http.StatusPartialContent || !bytes.Equal(w.Body.Bytes(), whole[100:200]) {
		t.Errorf("range request: %d with %d bytes", w.Code, w.Body.Len())
	}
}

func TestPlaylistStartErrors(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(text, []byte("not a film"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		p    func() *Playlist
		want string
	}{
		{"no path", func() *Playlist { return &Playlist{} }, "Path is empty"},
		{"negative", func() *Playlist { return &Playlist{Path: text, SegmentDuration: -time.Second} }, "SegmentDuration -1s is negative"},
		{"text", func() *Playlist { return &Playlist{Path: text} }, "notes.mp4: not an MP4 or MPEG-TS file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.p().Start(); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Start = %v, want %q", err, tc.want)
			}
		})
	}
}

// Segments built at the same time, for several viewers, are the same as
// built one by one.
func TestPlaylistConcurrent(t *testing.T) {
	for _, format := range []string{"mp4", "mpegts"} {
		t.Run(format, func(t *testing.T) {
			path := media(t, "clip", 7, "-f", format)
			want := map[string][]byte{}
			p := start(t, path)
			for n := range p.segments {
				for _, target := range []string{"/live/film/" + p.fmp4.segmentName(n), "/live/film/legacy/" + p.legacy.segmentName(n)} {
					res := get(t, p, target)
					if res.StatusCode != http.StatusOK {
						t.Fatalf("%s: %s", target, res.Status)
					}
					want[target] = body(t, res)
				}
			}
			p = start(t, path)
			errs := make(chan string, 8*len(want))
			done := make(chan struct{})
			for range 8 {
				go func() {
					defer func() { done <- struct{}{} }()
					for name, b := range want {
						w := httptest.NewRecorder()
						p.ServeHTTP(w, httptest.NewRequest(http.MethodGet, name, nil))
						if !bytes.Equal(w.Body.Bytes(), b) {
							errs <- name
						}
					}
				}()
			}
			for range 8 {
				<-done
			}
			close(errs)
			for name := range errs {
				t.Errorf("%s differs when built concurrently", name)
			}
		})
	}
}

// Without video, segments are cut every SegmentDuration of audio.
func TestPlaylistAudioOnly(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 5, "-map", "1:a", "-f", "mp4"))
	var m playlist.Media
	if err := m.Unmarshal(body(t, get(t, p, "/index.m3u8"))); err != nil {
		t.Fatal(err)
	}
	if len(m.Segments) != 3 || m.Segments[0].Duration != 2*time.Second {
		t.Fatalf("%d segments, the first of %v; want 3 of 2 s", len(m.Segments), m.Segments[0].Duration)
	}
	frames := 0
	for _, s := range m.Segments {
		var parts fmp4.Parts
		if err := parts.Unmarshal(body(t, get(t, p, "/"+s.URI))); err != nil {
			t.Fatal(err)
		}
		if len(parts) != 1 || len(parts[0].Tracks) != 1 || parts[0].Tracks[0].ID != 1 {
			t.Fatalf("%s: want one fragment with the audio track", s.URI)
		}
		frames += len(parts[0].Tracks[0].Samples)
	}
	if n := len(p.f.Index(0)); frames != n {
		t.Errorf("%d audio frames in the segments, the file has %d", frames, n)
	}
}
