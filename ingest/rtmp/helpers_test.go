package rtmp

import (
	"testing"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

// startServer starts a Server on loopback with p, logging everything into
// the returned buffer, and closes it when the test ends.
func startServer(t *testing.T, p ingest.Publishers, configure func(*Server)) (*Server, *ingesttest.LogBuffer) {
	t.Helper()
	logs := &ingesttest.LogBuffer{}
	s := &Server{
		Listen:     "127.0.0.1:0",
		Publishers: p,
		Logger:     logs.Logger(),
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

// publishTestStream starts a server and has a sender publish three
// seconds of H.264 and AAC to it, returning once samples arrive.
func publishTestStream(t *testing.T) (*Server, *ingesttest.Recorder, *testStream, ingest.Sender) {
	t.Helper()
	rec := ingesttest.NewRecorder("main", testKey)
	s, _ := startServer(t, rec, nil)
	stream := newTestStream(t, ingest.CodecAAC, 90)
	snd := dialTest(t, rtmpURL(s, ""), "main", testKey, stream.tracks, nil)
	stream.send(t, snd)
	rec.WaitSamples(t, 1)
	return s, rec, stream, snd
}
