package httpapi

import (
	"testing"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

// fakeStudio answers from its function fields; nil ones do nothing.
type fakeStudio struct {
	status  func() segmenter.BroadcastStatus
	devices func() []ingest.Device
	start   func() error
	stop    func() error
	sel     func(ingest.Selection) error
}

func (f *fakeStudio) Status() segmenter.BroadcastStatus {
	if f.status == nil {
		return segmenter.BroadcastStatus{Stream: "main"}
	}
	return f.status()
}

func (f *fakeStudio) Devices() []ingest.Device {
	if f.devices == nil {
		return nil
	}
	return f.devices()
}

func (f *fakeStudio) StartStream() error { return call(f.start) }
func (f *fakeStudio) StopStream() error  { return call(f.stop) }

func (f *fakeStudio) Select(s ingest.Selection) error {
	if f.sel == nil {
		return nil
	}
	return f.sel(s)
}

func call(f func() error) error {
	if f == nil {
		return nil
	}
	return f()
}

// newStudioServer serves studio with no user accounts: tests get their
// sessions from sessionFor.
func newStudioServer(t *testing.T, studio Studio, configure func(*Server)) *testEnv {
	t.Helper()
	return newTestServerWith(t, func(s *Server) {
		s.Users = emptyUsers(t)
		s.Studio = studio
		if configure != nil {
			configure(s)
		}
	})
}
