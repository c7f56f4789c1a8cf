package rtmp

import (
	"bytes"
	"context"
	"log/slog"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// fakePublishers is an ingest.Publishers whose behaviour each test sets.
type fakePublishers struct {
	authorize func(stream, key string) error
	publish   func(ctx context.Context, p ingest.Publication, src ingest.Source) error
}

func (f *fakePublishers) Authorize(stream, key string) error { return f.authorize(stream, key) }

func (f *fakePublishers) Publish(ctx context.Context, p ingest.Publication, src ingest.Source) error {
	return f.publish(ctx, p, src)
}

// recorder runs every source it is handed and records what came out.
type recorder struct {
	stream, key string // what Authorize accepts

	mu        sync.Mutex // guards the fields below
	authCalls int
	pubs      []ingest.Publication
	tracks    []*ingest.Track
	samples   []ingest.Sample
	runErr    error
	done      chan struct{} // closed when the first Publish returns
	published chan struct{} // closed when the first Publish is called
}

func newRecorder(stream, key string) *recorder {
	return &recorder{stream: stream, key: key, done: make(chan struct{}), published: make(chan struct{})}
}

// publishers returns the fake that authorizes r's stream and key and runs
// sources into r.
func (r *recorder) publishers() *fakePublishers {
	return &fakePublishers{
		authorize: func(stream, key string) error {
			r.mu.Lock()
			r.authCalls++
			r.mu.Unlock()
			switch {
			case stream != r.stream:
				return ingest.ErrUnknownStream
			case key != r.key:
				return ingest.ErrBadKey
			}
			return nil
		},
		publish: r.publish,
	}
}

func (r *recorder) publish(ctx context.Context, p ingest.Publication, src ingest.Source) error {
	r.mu.Lock()
	first := len(r.pubs) == 0
	r.pubs = append(r.pubs, p)
	r.tracks = src.Tracks()
	r.mu.Unlock()
	if first {
		close(r.published)
	}
	err := src.Run(ctx, func(s ingest.Sample) {
		r.mu.Lock()
		r.samples = append(r.samples, s)
		r.mu.Unlock()
	})
	r.mu.Lock()
	r.runErr = err
	r.mu.Unlock()
	if first {
		close(r.done)
	}
	return err
}

func (r *recorder) publishCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.pubs)
}

func (r *recorder) sampleCount() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.samples)
}

// samplesOf returns the recorded samples of tracks with codec c.
func (r *recorder) samplesOf(c ingest.Codec) []ingest.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []ingest.Sample
	for _, s := range r.samples {
		if s.Track.Codec == c {
			out = append(out, s)
		}
	}
	return out
}

func (r *recorder) track(c ingest.Codec) *ingest.Track {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, t := range r.tracks {
		if t.Codec == c {
			return t
		}
	}
	return nil
}

// waitDone waits for the first Publish to return.
func (r *recorder) waitDone(t *testing.T) {
	t.Helper()
	select {
	case <-r.done:
	case <-time.After(15 * time.Second):
		t.Fatal("Publish did not return")
	}
}

// syncBuffer is a log sink tests read while the server writes.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer starts a Server on loopback with p, logging everything into
// the returned buffer, and closes it when the test ends.
func startServer(t *testing.T, p ingest.Publishers, configure func(*Server)) (*Server, *syncBuffer) {
	t.Helper()
	logs := &syncBuffer{}
	s := &Server{
		Listen:     "127.0.0.1:0",
		Publishers: p,
		Logger:     slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	if configure != nil {
		configure(s)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, logs
}

// waitFor polls cond until it holds, failing the test after a while.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// ffmpeg runs ffmpeg with args, bounded in time, and returns its error
// and output.
func ffmpeg(t *testing.T, args ...string) (string, error) {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed for this test: ", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, append([]string{"-hide_banner", "-nostdin", "-loglevel", "warning"}, args...)...)
	out, err := cmd.CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("ffmpeg did not finish in time: %s", out)
	}
	return string(out), err
}
