package segmenter

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// A real 64x64 H.264 IDR (SPS, PPS, slice) and P slice would need an
// encoder; the muxer only parses SPS/PPS, so the test uses the encoder.
func newTestTracks(t *testing.T) (*ingest.Track, *ingest.H264Encoder) {
	t.Helper()
	enc := &ingest.H264Encoder{Width: 64, Height: 64, FPS: 30, Bitrate: 200_000, KeyframeInterval: 30}
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(enc.Close)
	return &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: 64, Height: 64, FPS: 30}, enc
}

// logCapture records log lines to check for muxer warnings.
type logCapture struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (l *logCapture) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.Write(p)
}

func (l *logCapture) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

// feedVideo writes n frames of a grey picture at 30 fps timestamps.
func feedVideo(t *testing.T, s *Stream, track *ingest.Track, enc *ingest.H264Encoder, from, n int) {
	t.Helper()
	img := grey(64, 64)
	start := time.Unix(1_700_000_000, 0)
	for i := from; i < from+n; i++ {
		au, err := enc.Encode(img)
		if err != nil {
			t.Fatal(err)
		}
		pts := int64(i) * 3000
		err = s.Write(ingest.Sample{Track: track, PTS: pts, DTS: pts, NTP: start.Add(time.Duration(i) * time.Second / 30), Units: au})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func startStream(t *testing.T, track *ingest.Track, log io.Writer) *Stream {
	t.Helper()
	s := &Stream{Name: "main", Tracks: []*ingest.Track{track}, Logger: slog.New(slog.NewTextHandler(log, nil))}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	return s
}

func get(t *testing.T, h http.Handler, target string) *httptest.ResponseRecorder {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
	return rec
}

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStreamServesPlaylistsAndSegments(t *testing.T) {
	track, enc := newTestTracks(t)
	var log logCapture
	s := startStream(t, track, &log)
	defer s.Close()

	feedVideo(t, s, track, enc, 0, 150) // 5 s
	waitFor(t, "samples to be written", func() bool { return s.Stats().Written == 150 })

	rec := get(t, s, "/live/main/index.m3u8")
	if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "#EXT-X-STREAM-INF") {
		t.Fatalf("multivariant playlist: %d %q", rec.Code, rec.Body.String())
	}
	media := get(t, s, "/live/main/video.m3u8")
	body := media.Body.String()
	for _, want := range []string{"#EXT-X-PART-INF:PART-TARGET=0.10417", "#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES", "#EXT-X-PRELOAD-HINT", "#EXTINF:1.0"} {
		if !strings.Contains(body, want) {
			t.Errorf("media playlist lacks %q:\n%s", want, body)
		}
	}
	// Every segment in the playlist is served.
	for _, line := range strings.Split(body, "\n") {
		if strings.HasSuffix(line, ".mp4") && !strings.HasPrefix(line, "#") {
			if r := get(t, s, "/live/main/"+line); r.Code != http.StatusOK || r.Body.Len() == 0 {
				t.Errorf("segment %s: %d, %d bytes", line, r.Code, r.Body.Len())
			}
		}
	}
	if strings.Contains(log.String(), "rejected") {
		t.Errorf("the muxer rejected samples:\n%s", log.String())
	}
}

func TestStreamUnknownFileIs404(t *testing.T) {
	track, enc := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	defer s.Close()
	feedVideo(t, s, track, enc, 0, 60)
	waitFor(t, "samples", func() bool { return s.Stats().Written == 60 })
	for _, p := range []string{"/live/main/nope.mp4", "/live/main/../../etc/passwd", "/live/main/"} {
		if rec := get(t, s, p); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", p, rec.Code)
		}
	}
}

func TestStreamBlockingRequestTimesOutWith503(t *testing.T) {
	s, _, _, msn := startFedStream(t)

	// Ask for a part one segment ahead; no more samples come.
	start := time.Now()
	rec := get(t, s, "/live/main/video.m3u8?_HLS_msn="+msn+"&_HLS_part=0")
	if rec.Code != http.StatusServiceUnavailable {
		t.Fatalf("blocking request for a part that never comes: %d, want 503", rec.Code)
	}
	if d := time.Since(start); d < 2*time.Second {
		t.Fatalf("answered after %v, want about 3 target durations", d)
	}
	closed := make(chan struct{})
	go func() { s.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close hung on the abandoned blocking request")
	}
}

func TestStreamBlockingRequestEndsWithClient(t *testing.T) {
	s, _, _, msn := startFedStream(t)
	defer s.Close()

	ctx, cancel := context.WithCancel(context.Background())
	req := httptest.NewRequest(http.MethodGet, "/live/main/video.m3u8?_HLS_msn="+msn+"&_HLS_part=0", nil).WithContext(ctx)
	done := make(chan struct{})
	go func() { s.ServeHTTP(httptest.NewRecorder(), req); close(done) }()
	time.Sleep(100 * time.Millisecond)
	cancel()
	select {
	case <-done:
	case <-time.After(time.Second):
		t.Fatal("handler kept waiting after the client went away")
	}
}

func TestStreamBlockingRequestIsAnsweredWhenPartArrives(t *testing.T) {
	s, track, enc, msn := startFedStream(t)
	defer s.Close()

	got := make(chan *httptest.ResponseRecorder, 1)
	go func() { got <- get(t, s, "/live/main/video.m3u8?_HLS_msn="+msn+"&_HLS_part=0") }()
	feedVideo(t, s, track, enc, 90, 45)
	select {
	case rec := <-got:
		if rec.Code != http.StatusOK {
			t.Fatalf("status %d, want 200", rec.Code)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("blocking request not answered after the part arrived")
	}
}

func TestStreamRejectsForeignTrackAndBadConfig(t *testing.T) {
	track, _ := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	defer s.Close()
	other := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000}
	if err := s.Write(ingest.Sample{Track: other}); err == nil {
		t.Error("Write accepted a sample of a track the stream does not have")
	}
	cases := []struct {
		name string
		s    func() *Stream
		want string
	}{
		{"no name", func() *Stream { return &Stream{Tracks: []*ingest.Track{track}} }, "Name"},
		{"no tracks", func() *Stream { return &Stream{Name: "x"} }, "Tracks"},
		{"short part", func() *Stream {
			return &Stream{Name: "x", Tracks: []*ingest.Track{track}, PartDuration: time.Millisecond}
		}, "PartDuration"},
		{"segment < part", func() *Stream {
			return &Stream{Name: "x", Tracks: []*ingest.Track{track}, PartDuration: time.Second, SegmentDuration: 500 * time.Millisecond}
		}, "SegmentDuration"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s().Start()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to name %s", err, c.want)
			}
		})
	}
}

func TestStreamCloseLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	track, enc := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	feedVideo(t, s, track, enc, 0, 60)
	waitFor(t, "samples", func() bool { return s.Stats().Written == 60 })
	_ = get(t, s, "/live/main/index.m3u8")
	s.Close()
	s.Close() // serve closes early on shutdown and again when it returns
	waitFor(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

// startFedStream returns a stream with 3 s of video written and the next
// segment's media sequence number, which does not exist yet.
func startFedStream(t *testing.T) (*Stream, *ingest.Track, *ingest.H264Encoder, string) {
	t.Helper()
	track, enc := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	feedVideo(t, s, track, enc, 0, 90)
	waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
	return s, track, enc, nextMSN(t, get(t, s, "/live/main/video.m3u8").Body.String())
}

func nextMSN(t *testing.T, playlist string) string {
	t.Helper()
	// The preload hint names the next part; its segment is the last
	// EXT-X-MEDIA-SEQUENCE plus the number of complete segments.
	var seq, segs int
	for _, line := range strings.Split(playlist, "\n") {
		if v, ok := strings.CutPrefix(line, "#EXT-X-MEDIA-SEQUENCE:"); ok {
			seq = atoi(t, v)
		}
		if strings.HasPrefix(line, "#EXTINF:") {
			segs++
		}
	}
	return itoa(seq + segs + 1)
}
