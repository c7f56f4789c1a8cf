package segmenter

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/llcast/llcast/ingest"
)

// fakeSource is an ingest.Source whose Run is the test's.
type fakeSource struct {
	tracks []*ingest.Track
	run    func(ctx context.Context, emit ingest.Emit) error
}

func (f *fakeSource) Tracks() []*ingest.Track { return f.tracks }
func (f *fakeSource) Run(ctx context.Context, emit ingest.Emit) error {
	return f.run(ctx, emit)
}

// keys is a KeyChecker that knows one stream and key.
type keys struct{ stream, key string }

func (k keys) CheckKey(stream, key string) error {
	switch {
	case stream != k.stream:
		return ingest.ErrUnknownStream
	case key != k.key:
		return ingest.ErrBadKey
	}
	return nil
}

func startHub(t *testing.T, linger time.Duration) (*Hub, *Registry) {
	t.Helper()
	reg := &Registry{}
	h := &Hub{Keys: keys{"stage", "k"}, Registry: reg, Linger: linger, Logger: slog.New(slog.DiscardHandler)}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	return h, reg
}

// publisherOf makes a source that encodes n frames of 64x64 video at
// 30 fps, timestamps from zero as a fresh encoder would, then hangs up.
func publisherOf(t *testing.T, n int) *fakeSource {
	track, enc := newTestTracks(t)
	return &fakeSource{tracks: []*ingest.Track{track}, run: func(ctx context.Context, emit ingest.Emit) error {
		img := grey(64, 64)
		for i := range n {
			au, err := enc.Encode(img)
			if err != nil {
				return err
			}
			pts := int64(i) * 3000
			emit(ingest.Sample{Track: track, PTS: pts, DTS: pts, NTP: time.Now(), Units: au})
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(time.Millisecond): // the stream's queue is not a disk
			}
		}
		return io.EOF
	}}
}

func videoPlaylist(t *testing.T, s *Stream) *playlist.Media {
	t.Helper()
	var pl playlist.Media
	body := get(t, s, "/live/stage/video.m3u8").Body.Bytes()
	if err := pl.Unmarshal(body); err != nil {
		t.Fatalf("%v in\n%s", err, body)
	}
	return &pl
}

func TestHubContinuesAStreamAcrossReconnects(t *testing.T) {
	h, reg := startHub(t, time.Minute)
	info := ingest.Publication{Stream: "stage", Protocol: "rtmp", Remote: "127.0.0.1:5000"}
	if err := h.Publish(context.Background(), info, publisherOf(t, 75)); !errors.Is(err, io.EOF) {
		t.Fatalf("first publisher: %v, want EOF", err)
	}
	s := reg.Get("stage")
	if s == nil {
		t.Fatal("the stream went off the air when its publisher left")
	}
	if st, _ := h.Publisher("stage"); !st.Live || st.Connected {
		t.Fatalf("status %+v, want live and no publisher", st)
	}
	if err := h.Publish(context.Background(), info, publisherOf(t, 90)); !errors.Is(err, io.EOF) {
		t.Fatalf("second publisher: %v, want EOF", err)
	}
	if reg.Get("stage") != s {
		t.Fatal("the returning publisher got a new stream; players would reload")
	}
	waitFor(t, "five segments", func() bool { return len(videoPlaylist(t, s).Segments) >= 5 })
	pl := videoPlaylist(t, s)
	var total time.Duration
	var seams int
	for _, seg := range pl.Segments {
		total += seg.Duration
		if seg.Discontinuity {
			seams++
		}
	}
	if seams != 1 {
		t.Errorf("%d discontinuities, want 1", seams)
	}
	// 1 + 1 + 0.5 s of the first publisher, then two whole seconds of
	// the second's (its third still open): its time carried on from the
	// first's, without a gap.
	if total < 4450*time.Millisecond || total > 4550*time.Millisecond {
		t.Errorf("the segments last %v in all, want 4.5 s: timestamps did not carry on", total)
	}
}

func TestHubRefusesASecondPublisher(t *testing.T) {
	h, _ := startHub(t, time.Minute)
	if err := h.Authorize("stage", "wrong"); !errors.Is(err, ingest.ErrBadKey) {
		t.Errorf("wrong key: %v", err)
	}
	if err := h.Authorize("other", "k"); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Errorf("unknown stream: %v", err)
	}
	started := make(chan struct{})
	track, _ := newTestTracks(t)
	first := &fakeSource{tracks: []*ingest.Track{track}, run: func(ctx context.Context, _ ingest.Emit) error {
		close(started)
		<-ctx.Done()
		return nil
	}}
	done := make(chan error, 1)
	go func() { done <- h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, first) }()
	<-started
	if err := h.Authorize("stage", "k"); !errors.Is(err, ingest.ErrStreamBusy) {
		t.Errorf("second publisher authorized: %v", err)
	}
	if err := h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 1)); !errors.Is(err, ingest.ErrStreamBusy) {
		t.Errorf("second publisher published: %v", err)
	}
	if !h.Kick("stage") {
		t.Fatal("Kick found no publisher")
	}
	if err := <-done; err != nil {
		t.Errorf("kicked publisher: %v", err)
	}
}

func TestHubEndsTheStreamAfterLinger(t *testing.T) {
	h, reg := startHub(t, 10*time.Millisecond)
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 35))
	waitFor(t, "the stream to end", func() bool { return reg.Get("stage") == nil })
	if st, _ := h.Publisher("stage"); st.Live {
		t.Errorf("status %+v after Linger, want offline", st)
	}
}

func TestHubStartsOverForOtherTracks(t *testing.T) {
	h, reg := startHub(t, time.Minute)
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 35))
	first := reg.Get("stage")
	src := publisherOf(t, 35)
	src.tracks = append(src.tracks, &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 2})
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, src)
	if s := reg.Get("stage"); s == nil || s == first {
		t.Fatal("a publisher with another set of tracks continued the old stream")
	}
}

func TestHubRefusesUnsupportedCodecs(t *testing.T) {
	h, reg := startHub(t, time.Minute)
	src := &fakeSource{tracks: []*ingest.Track{{Codec: "h265", ClockRate: 90000}}}
	err := h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, src)
	if !errors.Is(err, ingest.ErrUnsupportedCodec) || !strings.Contains(err.Error(), "h265") {
		t.Errorf("got %v, want an unsupported codec error naming h265", err)
	}
	if reg.Get("stage") != nil {
		t.Error("a refused publisher put the stream on the air")
	}
}

func TestHubEndsARemovedStreamAtOnce(t *testing.T) {
	h, reg := startHub(t, time.Hour)
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 35))
	if reg.Get("stage") == nil {
		t.Fatal("the stream is not on the air")
	}
	h.End("stage")
	if reg.Get("stage") != nil {
		t.Error("End left the stream on the air")
	}
	// The name can be published to again.
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 35))
	if reg.Get("stage") == nil {
		t.Error("a publisher after End did not go on the air")
	}
}

// delayLog is a DelayRecorder that keeps what it is told.
type delayLog struct {
	mu  sync.Mutex
	got map[string][]time.Duration
}

func (d *delayLog) PartDelay(name string) func(time.Duration) {
	return func(late time.Duration) {
		d.mu.Lock()
		defer d.mu.Unlock()
		if d.got == nil {
			d.got = map[string][]time.Duration{}
		}
		d.got[name] = append(d.got[name], late)
	}
}

// TestHubStreamsReportPartDelays: a stream the hub starts tells the
// settings' DelayRecorder, under its name, how late each part it serves
// is; a whole segment is not a part.
func TestHubStreamsReportPartDelays(t *testing.T) {
	rec := &delayLog{}
	reg := &Registry{}
	h := &Hub{
		Keys: keys{"stage", "k"}, Registry: reg, Linger: time.Minute, Logger: slog.New(slog.DiscardHandler),
		Settings: StreamSettings{Delays: rec},
	}
	if err := h.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	_ = h.Publish(context.Background(), ingest.Publication{Stream: "stage"}, publisherOf(t, 75))
	s := reg.Get("stage")
	if s == nil {
		t.Fatal("the stream is not on the air")
	}
	pl := videoPlaylist(t, s)
	seg := pl.Segments[len(pl.Segments)-1]
	for _, uri := range []string{seg.URI, seg.Parts[0].URI, seg.Parts[1].URI} {
		if res := get(t, s, "/live/stage/"+uri); res.Code != http.StatusOK {
			t.Fatalf("%s: %d", uri, res.Code)
		}
	}
	rec.mu.Lock()
	defer rec.mu.Unlock()
	got := rec.got["stage"]
	if len(got) != 2 || len(rec.got) != 1 {
		t.Fatalf("delays %v, want two for stage", rec.got)
	}
	// The publisher sends faster than real time, so by the capture clock
	// most of its media ends in the future: such parts are not late (0).
	for _, d := range got {
		if d < 0 || d > time.Minute {
			t.Errorf("delay %v, want at least 0 and below a minute", d)
		}
	}
}
