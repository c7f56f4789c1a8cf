package ingesttest

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
)

// LogBuffer collects what a component logs, for a test to read while the
// component goes on writing. The zero value is ready to use.
type LogBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

// Logger returns a logger that writes everything, debug included, to b
// as text.
func (b *LogBuffer) Logger() *slog.Logger {
	return slog.New(slog.NewTextHandler(b, &slog.HandlerOptions{Level: slog.LevelDebug}))
}

func (b *LogBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns what was logged so far.
func (b *LogBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// WaitFor waits until the log holds s, failing the test, with the log,
// after 15 s.
func (b *LogBuffer) WaitFor(t testing.TB, s string) {
	t.Helper()
	if !poll(func() bool { return strings.Contains(b.String(), s) }) {
		t.Fatalf("timed out waiting for %q in the log:\n%s", s, b)
	}
}
