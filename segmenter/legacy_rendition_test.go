package segmenter

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"

	"github.com/llcast/llcast/ingest"
)

func startLegacyStream(t *testing.T, tracks []*ingest.Track, legacy bool, log io.Writer) *Stream {
	t.Helper()
	s := &Stream{Name: "main", Tracks: tracks, Legacy: legacy, Logger: slog.New(slog.NewTextHandler(log, nil))}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// resolve returns the path that a player resolves uri to from base.
func resolve(t *testing.T, base, uri string) string {
	t.Helper()
	b, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(uri)
	if err != nil {
		t.Fatal(err)
	}
	return b.ResolveReference(u).Path
}

func TestLegacyRenditionServesMPEGTS(t *testing.T) {
	track, enc := newTestTracks(t)
	s := startLegacyStream(t, []*ingest.Track{track}, true, io.Discard)
	feedVideo(t, s, track, enc, 0, 150) // 5 s, an IDR every second
	waitFor(t, "samples to be written", func() bool { return s.Stats().Written == 150 })

	const index = "/live/main/legacy/index.m3u8"
	rec := get(t, s, index)
	mv, err := playlist.Unmarshal(rec.Body.Bytes())
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("legacy multivariant playlist: %d %v %q", rec.Code, err, rec.Body.String())
	}
	t.Logf("legacy multivariant playlist:\n%s", rec.Body.String())
	variants := mv.(*playlist.Multivariant).Variants
	if len(variants) != 1 {
		t.Fatalf("legacy multivariant playlist has %d variants:\n%s", len(variants), rec.Body.String())
	}
	mediaPath := resolve(t, index, variants[0].URI)
	if !strings.HasPrefix(mediaPath, "/live/main/legacy/") {
		t.Fatalf("media playlist %s is not under legacy/", mediaPath)
	}

	rec = get(t, s, mediaPath)
	body := rec.Body.String()
	t.Logf("legacy media playlist:\n%s", body)
	if rec.Code != http.StatusOK || strings.Contains(body, "#EXT-X-PART") || strings.Contains(body, "#EXT-X-PRELOAD-HINT") {
		t.Fatalf("legacy media playlist: %d\n%s", rec.Code, body)
	}
	pl, err := playlist.Unmarshal(rec.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	media := pl.(*playlist.Media)
	if media.TargetDuration != 2 || len(media.Segments) != 2 {
		t.Fatalf("target duration %d and %d segments, want 2 and 2 (2 s each of 5 s)", media.TargetDuration, len(media.Segments))
	}
	for _, seg := range media.Segments {
		p := resolve(t, mediaPath, seg.URI)
		if !strings.HasPrefix(p, "/live/main/legacy/") || seg.Duration != 2*time.Second {
			t.Errorf("segment %s of %v, want 2 s under legacy/", p, seg.Duration)
		}
		r := get(t, s, p)
		if r.Code != http.StatusOK || r.Header().Get("Content-Type") != "video/mp2t" {
			t.Fatalf("segment %s: %d %q", p, r.Code, r.Header().Get("Content-Type"))
		}
		checkTransportStream(t, p, r.Body.Bytes())
		// The legacy files are not reachable outside legacy/.
		if r := get(t, s, "/live/main/"+path.Base(p)); r.Code != http.StatusNotFound {
			t.Errorf("legacy segment outside legacy/: %d, want 404", r.Code)
		}
	}
	if w := s.Stats().Warnings; w != 0 {
		t.Errorf("%d muxer warnings", w)
	}
}

// checkTransportStream checks that b is whole MPEG-TS packets of 188 bytes,
// each starting with the sync byte.
func checkTransportStream(t *testing.T, name string, b []byte) {
	t.Helper()
	if len(b) == 0 || len(b)%188 != 0 {
		t.Fatalf("%s: %d bytes, want a positive multiple of 188", name, len(b))
	}
	for i := 0; i < len(b); i += 188 {
		if b[i] != 0x47 {
			t.Fatalf("%s: byte %d is %#x, want the sync byte 0x47", name, i, b[i])
		}
	}
}

func TestLegacyRenditionNotFound(t *testing.T) {
	track, enc := newTestTracks(t)
	cases := []struct {
		name   string
		legacy bool
		path   string
	}{
		{"unknown legacy file", true, "/live/main/legacy/nope.ts"},
		{"low-latency playlist under legacy/", true, "/live/main/legacy/video.m3u8"},
		{"legacy folder itself", true, "/live/main/legacy/"},
		{"legacy playlist of a stream without Legacy", false, "/live/main/legacy/index.m3u8"},
		{"legacy media playlist of a stream without Legacy", false, "/live/main/legacy/stream.m3u8"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := startLegacyStream(t, []*ingest.Track{track}, c.legacy, io.Discard)
			feedVideo(t, s, track, enc, 0, 90)
			waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
			if rec := get(t, s, c.path); rec.Code != http.StatusNotFound {
				t.Fatalf("GET %s: %d, want 404", c.path, rec.Code)
			}
		})
	}
}

// TestStreamRoutesByFolder: legacy/ of the stream's own folder is the
// legacy rendition, whatever the stream is called, and no other folder
// is the stream's.
func TestStreamRoutesByFolder(t *testing.T) {
	track, enc := newTestTracks(t)
	cases := []struct {
		stream, path string
		want         string // what the answer lists; "" for a 404
	}{
		{"main", "/live/main/index.m3u8", "video.m3u8"},
		{"main", "/live/main/legacy/index.m3u8", "stream.m3u8"},
		{"main", "/live/main/legacy", ""},
		{"main", "/live/main/other/index.m3u8", ""},
		{"main", "/live/other/legacy/index.m3u8", ""},
		{"legacy", "/live/legacy/index.m3u8", "video.m3u8"},
		{"legacy", "/live/legacy/legacy/index.m3u8", "stream.m3u8"},
	}
	streams := map[string]*Stream{}
	for _, name := range []string{"main", "legacy"} {
		s := &Stream{Name: name, Tracks: []*ingest.Track{track}, Legacy: true, Logger: slog.New(slog.DiscardHandler)}
		if err := s.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(s.Close)
		feedVideo(t, s, track, enc, 0, 90)
		waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
		streams[name] = s
	}
	for _, c := range cases {
		rec := get(t, streams[c.stream], c.path)
		switch {
		case c.want == "" && rec.Code != http.StatusNotFound:
			t.Errorf("stream %s, GET %s: %d, want 404", c.stream, c.path, rec.Code)
		case c.want != "" && (rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), c.want)):
			t.Errorf("stream %s, GET %s: %d %q, want a playlist listing %s", c.stream, c.path, rec.Code, rec.Body.String(), c.want)
		}
	}
}

func TestLegacyRenditionLeavesOpusOut(t *testing.T) {
	track, enc := newTestTracks(t)
	opus := &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 2}
	var log logCapture
	s := startLegacyStream(t, []*ingest.Track{track, opus}, true, &log)
	if n := strings.Count(log.String(), "Opus cannot go in MPEG-TS"); n != 1 {
		t.Fatalf("logged the missing sound %d times, want once:\n%s", n, log.String())
	}
	feedVideo(t, s, track, enc, 0, 90)
	waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
	rec := get(t, s, "/live/main/legacy/index.m3u8")
	body := rec.Body.String()
	if rec.Code != http.StatusOK || !strings.Contains(body, "avc1.") || strings.Contains(body, "opus") {
		t.Fatalf("legacy playlist of video and Opus: %d\n%s", rec.Code, body)
	}
}

func TestLegacyRenditionRejectsBadConfig(t *testing.T) {
	track, _ := newTestTracks(t)
	opus := &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 2}
	cases := []struct {
		name string
		s    *Stream
		want string
	}{
		{"segment shorter than the keyframe interval", &Stream{
			Name: "x", Tracks: []*ingest.Track{track}, Legacy: true, LegacySegmentDuration: 500 * time.Millisecond,
		}, "LegacySegmentDuration"},
		{"Opus only", &Stream{Name: "x", Tracks: []*ingest.Track{opus}, Legacy: true}, "Legacy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			c.s.Logger = slog.New(slog.DiscardHandler)
			err := c.s.Start()
			if err == nil {
				c.s.Close()
			}
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to name %s", err, c.want)
			}
		})
	}
}

// TestLegacyRenditionPlaysInFFmpeg has ffmpeg, a real HLS client that knows
// nothing of LL-HLS, decode the legacy rendition of a live broadcast.
func TestLegacyRenditionPlaysInFFmpeg(t *testing.T) {
	ffmpeg, ffprobe := lookPath(t, "ffmpeg"), lookPath(t, "ffprobe")
	reg := &Registry{}
	b := &Broadcast{
		Registry: reg, Stream: StreamSettings{Legacy: true}, Encoding: ingest.Encoding{Width: 768, Height: 432},
		Logger: slog.New(slog.DiscardHandler), ListDevices: func() []ingest.Device { return nil },
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	if err := b.StartStream(); err != nil {
		t.Fatal(err)
	}
	uri := serveRegistry(t, reg).URL + "/live/main/legacy/index.m3u8"
	waitFor(t, "the legacy playlist", func() bool {
		resp, err := http.Get(uri)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	probe, err := exec.CommandContext(ctx, ffprobe, "-v", "error",
		"-show_entries", "stream=codec_type,codec_name", "-of", "csv=p=0", uri).Output()
	if err != nil {
		t.Fatalf("ffprobe: %v", err)
	}
	// ffprobe lists each stream under its program and again on its own.
	t.Logf("ffprobe: %s", strings.Join(slices.Compact(slices.Sorted(slices.Values(strings.Fields(string(probe))))), " "))
	for _, want := range []string{"h264,video", "aac,audio"} {
		if !strings.Contains(string(probe), want) {
			t.Errorf("ffprobe found no %s stream:\n%s", want, probe)
		}
	}

	// framecrc decodes every frame and prints one line per frame, starting
	// with the output stream index: 0 video, 1 audio.
	cmd := exec.CommandContext(ctx, ffmpeg, "-hide_banner", "-nostdin", "-v", "error", "-i", uri,
		"-t", "4", "-map", "0:v:0", "-map", "0:a:0", "-f", "framecrc", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, stderr.String())
	}
	frames := map[string]int{}
	for sc := bufio.NewScanner(bytes.NewReader(out)); sc.Scan(); {
		if line := sc.Text(); line != "" && !strings.HasPrefix(line, "#") {
			frames[strings.TrimSpace(strings.SplitN(line, ",", 2)[0])]++
		}
	}
	t.Logf("ffmpeg decoded %d video and %d audio frames in 4 s", frames["0"], frames["1"])
	// 4 s hold 120 frames at 30 fps and 187 AAC frames at 48 kHz; half of
	// that proves playback without depending on where ffmpeg starts.
	if frames["0"] < 60 || frames["1"] < 90 {
		t.Fatalf("decoded %d video and %d audio frames, want at least 60 and 90\n%s", frames["0"], frames["1"], stderr.String())
	}
}

// lookPath finds a tool the test cannot do without; CI installs it.
func lookPath(t *testing.T, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Fatalf("%s is not installed (apt-get install ffmpeg): %v", name, err)
	}
	return p
}
