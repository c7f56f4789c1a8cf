package srt

import (
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

const testKey = "k3y-Th4t-M4y-N0t-Leak"

// newRecorder returns Publishers that accept stream "main" with key
// testKey, answer ErrStreamBusy for "busy" and ErrUnknownStream for the
// rest, and record the samples of whoever publishes.
func newRecorder() *ingesttest.Recorder {
	rec := ingesttest.NewRecorder("main", testKey)
	rec.Busy = []string{"busy"}
	return rec
}

// startServer starts a Server on a loopback port; it is closed when the
// test ends.
func startServer(t *testing.T, pubs ingest.Publishers, passphrase string) (*Server, *ingesttest.LogBuffer) {
	t.Helper()
	logs := &ingesttest.LogBuffer{}
	s := &Server{
		Listen:      "127.0.0.1:0",
		Passphrase:  passphrase,
		Publishers:  pubs,
		Logger:      logs.Logger(),
		ReadTimeout: 5 * time.Second,
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s, logs
}
