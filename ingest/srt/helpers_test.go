package srt

import (
	"bytes"
	"context"
	"fmt"
	"log/slog"
	"os/exec"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// fakePublishers is an ingest.Publishers made of functions.
type fakePublishers struct {
	authorize func(stream, key string) error
	publish   func(ctx context.Context, p ingest.Publication, src ingest.Source) error
}

func (f *fakePublishers) Authorize(stream, key string) error { return f.authorize(stream, key) }

func (f *fakePublishers) Publish(ctx context.Context, p ingest.Publication, src ingest.Source) error {
	return f.publish(ctx, p, src)
}

// recording is what a recorder's Publishers got.
type recording struct {
	mu         sync.Mutex
	authorized []string // "stream key" of every call
	pubs       []ingest.Publication
	tracks     []*ingest.Track
	samples    []ingest.Sample
	published  chan struct{} // closed at the first Publish
	ended      chan error    // Run's error, once per Publish
}

// newRecorder returns Publishers that accept stream "main" with key
// testKey, answer ErrStreamBusy for "busy" and ErrUnknownStream for the
// rest, and record the samples of whoever publishes.
func newRecorder() (*fakePublishers, *recording) {
	rec := &recording{published: make(chan struct{}), ended: make(chan error, 10)}
	var once sync.Once
	f := &fakePublishers{
		authorize: func(stream, key string) error {
			rec.mu.Lock()
			rec.authorized = append(rec.authorized, stream+" "+key)
			rec.mu.Unlock()
			switch {
			case stream == "busy":
				return ingest.ErrStreamBusy
			case stream != "main":
				return ingest.ErrUnknownStream
			case key != testKey:
				return ingest.ErrBadKey
			}
			return nil
		},
		publish: func(ctx context.Context, p ingest.Publication, src ingest.Source) error {
			rec.mu.Lock()
			rec.pubs = append(rec.pubs, p)
			rec.tracks = src.Tracks()
			rec.mu.Unlock()
			once.Do(func() { close(rec.published) })
			err := src.Run(ctx, func(s ingest.Sample) {
				rec.mu.Lock()
				rec.samples = append(rec.samples, s)
				rec.mu.Unlock()
			})
			rec.ended <- err
			return err
		},
	}
	return f, rec
}

const testKey = "k3y-Th4t-M4y-N0t-Leak"

// authorizations returns the Authorize calls so far.
func (r *recording) authorizations() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.authorized...)
}

// snapshot returns copies of what was recorded.
func (r *recording) snapshot() ([]ingest.Publication, []*ingest.Track, []ingest.Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ingest.Publication(nil), r.pubs...), r.tracks, append([]ingest.Sample(nil), r.samples...)
}

// lockedBuffer collects a log written from several goroutines.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts a Server on a loopback port; it is closed when the
// test ends.
func startServer(t *testing.T, pubs ingest.Publishers, passphrase string) (*Server, *lockedBuffer) {
	t.Helper()
	logs := &lockedBuffer{}
	s := &Server{
		Listen:      "127.0.0.1:0",
		Passphrase:  passphrase,
		Publishers:  pubs,
		Logger:      slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		ReadTimeout: 5 * time.Second,
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, logs
}

// ffmpegPath finds ffmpeg; tests that need it fail without it.
func ffmpegPath(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is required for this test: sudo apt-get install -y ffmpeg")
	}
	return path
}

// runFFmpeg runs ffmpeg with args, bounded by timeout, and returns its
// output and whether it succeeded.
func runFFmpeg(t *testing.T, timeout time.Duration, args ...string) (string, error) {
	t.Helper()
	return execFFmpeg(ffmpegPath(t), timeout, args...)
}

func execFFmpeg(path string, timeout time.Duration, args ...string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"-hide_banner", "-nostdin", "-loglevel", "error"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		return string(out), fmt.Errorf("ffmpeg did not finish within %s", timeout)
	}
	return string(out), err
}

// waitFor polls cond until it holds or d has passed.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// checkNoLeaks waits for the goroutine count to come back to base.
func checkNoLeaks(t *testing.T, base int) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for runtime.NumGoroutine() > base {
		if time.Now().After(deadline) {
			buf := make([]byte, 1<<20)
			n := runtime.Stack(buf, true)
			t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), base, buf[:n])
		}
		time.Sleep(10 * time.Millisecond)
	}
}
