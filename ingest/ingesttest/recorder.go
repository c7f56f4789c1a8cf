package ingesttest

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// Recorder is an ingest.Publishers for tests of push servers: it lets one
// stream in with one key, runs every source it is handed and records the
// publications, tracks and samples that come out. Make one with
// NewRecorder; its methods are safe for concurrent use.
type Recorder struct {
	// Stream and Key are the stream Authorize lets in and its key.
	Stream, Key string
	// Busy names streams that exist and take Key but already have a
	// publisher: Authorize answers ingest.ErrStreamBusy for them. Stream
	// may be one of them. Set it before the server starts.
	Busy []string

	mu             sync.Mutex // guards the fields below
	authorizations []string
	pubs           []ingest.Publication
	tracks         []*ingest.Track
	samples        []ingest.Sample
	ended          []error       // what Run returned, per Publish that returned
	taken          int           // how many of ended WaitEnded handed out
	changed        chan struct{} // closed and replaced when anything is recorded
}

// NewRecorder returns a Recorder that lets stream in with key.
func NewRecorder(stream, key string) *Recorder {
	return &Recorder{Stream: stream, Key: key, changed: make(chan struct{})}
}

// Authorize implements ingest.Publishers: ingest.ErrUnknownStream for a
// stream other than Stream and those in Busy, then ingest.ErrBadKey for a
// key other than Key, then ingest.ErrStreamBusy for those in Busy.
func (r *Recorder) Authorize(stream, key string) error {
	r.record(func() { r.authorizations = append(r.authorizations, stream) })
	busy := slices.Contains(r.Busy, stream)
	switch {
	case stream != r.Stream && !busy:
		return ingest.ErrUnknownStream
	case key != r.Key:
		return ingest.ErrBadKey
	case busy:
		return ingest.ErrStreamBusy
	}
	return nil
}

// Publish implements ingest.Publishers: it runs src until it ends or ctx
// is done, recording its samples, and returns what Run returned.
func (r *Recorder) Publish(ctx context.Context, p ingest.Publication, src ingest.Source) error {
	r.record(func() {
		r.pubs = append(r.pubs, p)
		r.tracks = src.Tracks()
	})
	err := src.Run(ctx, func(s ingest.Sample) {
		r.record(func() { r.samples = append(r.samples, s) })
	})
	r.record(func() { r.ended = append(r.ended, err) })
	return err
}

func (r *Recorder) record(change func()) {
	r.mu.Lock()
	defer r.mu.Unlock()
	change()
	close(r.changed)
	r.changed = make(chan struct{})
}

// Authorizations returns the streams Authorize was asked about so far.
func (r *Recorder) Authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.authorizations)
}

// Publications returns the publications Publish was given so far.
func (r *Recorder) Publications() []ingest.Publication {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.pubs)
}

// Tracks returns the tracks of the latest source.
func (r *Recorder) Tracks() []*ingest.Track {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.tracks
}

// Track returns the latest source's track of codec c, or nil.
func (r *Recorder) Track(c ingest.Codec) *ingest.Track {
	for _, t := range r.Tracks() {
		if t.Codec == c {
			return t
		}
	}
	return nil
}

// Samples returns the samples recorded so far, of all sources, in the
// order they came.
func (r *Recorder) Samples() []ingest.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.samples)
}

// SamplesOf returns the recorded samples of tracks of codec c.
func (r *Recorder) SamplesOf(c ingest.Codec) []ingest.Sample {
	var out []ingest.Sample
	for _, s := range r.Samples() {
		if s.Track.Codec == c {
			out = append(out, s)
		}
	}
	return out
}

// WaitPublished waits for the first Publish, failing the test after 15 s.
func (r *Recorder) WaitPublished(t testing.TB) {
	t.Helper()
	r.wait(t, "a publisher", func() bool { return len(r.pubs) > 0 })
}

// WaitSamples waits until at least n samples were recorded, failing the
// test after 15 s.
func (r *Recorder) WaitSamples(t testing.TB, n int) {
	t.Helper()
	r.wait(t, "samples", func() bool { return len(r.samples) >= n })
}

// WaitSamplesOf waits until at least n samples of tracks of codec c were
// recorded, failing the test after 15 s.
func (r *Recorder) WaitSamplesOf(t testing.TB, c ingest.Codec, n int) {
	t.Helper()
	r.wait(t, fmt.Sprintf("%d %s samples", n, c), func() bool {
		got := 0
		for _, s := range r.samples {
			if s.Track.Codec == c {
				got++
			}
		}
		return got >= n
	})
}

// WaitEnded waits for the next Publish to return, in the order they
// returned, and gives what its source's Run returned. It fails the test
// after 15 s.
func (r *Recorder) WaitEnded(t testing.TB) error {
	t.Helper()
	var err error
	r.wait(t, "the source to end", func() bool {
		if r.taken == len(r.ended) {
			return false
		}
		err = r.ended[r.taken]
		r.taken++
		return true
	})
	return err
}

// wait calls done, with mu held, each time something is recorded until
// it returns true.
func (r *Recorder) wait(t testing.TB, what string, done func() bool) {
	t.Helper()
	expired := time.After(timeout)
	for {
		r.mu.Lock()
		ok, changed := done(), r.changed
		r.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-changed:
		case <-expired:
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}
