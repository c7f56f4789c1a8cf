package ingesttest

import (
	"context"
	"errors"
	"io"
	"testing"

	"github.com/llcast/llcast/ingest"
)

func TestRecorderAuthorize(t *testing.T) {
	r := NewRecorder("main", "k")
	r.Busy = []string{"busy"}
	cases := []struct {
		stream, key string
		want        error
	}{
		{"main", "k", nil},
		{"main", "x", ingest.ErrBadKey},
		{"other", "k", ingest.ErrUnknownStream},
		{"busy", "k", ingest.ErrStreamBusy},
		{"busy", "x", ingest.ErrBadKey},
	}
	for _, c := range cases {
		if err := r.Authorize(c.stream, c.key); !errors.Is(err, c.want) || (err == nil) != (c.want == nil) {
			t.Errorf("Authorize(%q, %q) = %v, want %v", c.stream, c.key, err, c.want)
		}
	}
	if got := r.Authorizations(); len(got) != len(cases) || got[3] != "busy" {
		t.Errorf("Authorizations() = %q", got)
	}
}

// fakeSource emits its samples and ends with err.
type fakeSource struct {
	tracks  []*ingest.Track
	samples []ingest.Sample
	err     error
}

func (f *fakeSource) Tracks() []*ingest.Track { return f.tracks }

func (f *fakeSource) Run(_ context.Context, emit ingest.Emit) error {
	for _, s := range f.samples {
		emit(s)
	}
	return f.err
}

func TestRecorderRecordsWhatRuns(t *testing.T) {
	video := &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000}
	audio := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000}
	src := &fakeSource{
		tracks:  []*ingest.Track{video, audio},
		samples: []ingest.Sample{{Track: video, PTS: 0}, {Track: audio, PTS: 0}, {Track: video, PTS: 3000}},
		err:     io.EOF,
	}
	r := NewRecorder("main", "k")
	published := make(chan error, 2)
	for range 2 {
		go func() { published <- r.Publish(context.Background(), ingest.Publication{Stream: "main"}, src) }()
	}
	r.WaitPublished(t)
	r.WaitSamples(t, 6)
	for range 2 {
		if err := r.WaitEnded(t); !errors.Is(err, io.EOF) {
			t.Errorf("WaitEnded() = %v, want io.EOF", err)
		}
		if err := <-published; !errors.Is(err, io.EOF) {
			t.Errorf("Publish() = %v, want io.EOF", err)
		}
	}
	if p := r.Publications(); len(p) != 2 || p[0].Stream != "main" {
		t.Errorf("Publications() = %+v", p)
	}
	if r.Track(ingest.CodecAAC) != audio || r.Track(ingest.CodecOpus) != nil {
		t.Errorf("Track() finds the wrong tracks in %v", ingest.DescribeTracks(r.Tracks()))
	}
	if n, v := len(r.Samples()), len(r.SamplesOf(ingest.CodecH264)); n != 6 || v != 4 {
		t.Errorf("%d samples, %d of them video; want 6 and 4", n, v)
	}
}

func TestLogBuffer(t *testing.T) {
	var b LogBuffer
	b.Logger().Debug("publish refused", "cause", "bad_key")
	b.WaitFor(t, "cause=bad_key")
	if s := b.String(); s == "" || s[len(s)-1] != '\n' {
		t.Errorf("log = %q", s)
	}
}

func TestCountStacks(t *testing.T) {
	dump := "goroutine 1 [running]:\nmain.main()\n\n" +
		"goroutine 7 [chan send]:\ngithub.com/datarhei/gosrt.DialWithContext.func1()\n\n" +
		"goroutine 8 [chan receive]:\ngithub.com/datarhei/gosrt.DialWithContext.func1()"
	for _, c := range []struct {
		known []string
		want  int
	}{
		{[]string{"[chan send]", "gosrt.DialWithContext"}, 2},
		{[]string{"[chan send]", "gosrt.Listen"}, 3},
		{[]string{"gosrt.DialWithContext"}, 1},
	} {
		if n := countStacks(dump, c.known); n != c.want {
			t.Errorf("countStacks(%q) = %d, want %d", c.known, n, c.want)
		}
	}
}
