package uplink

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"net/url"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

// fakeSender records samples and fails after failAfter of them (0: never).
type fakeSender struct {
	mu        sync.Mutex
	got       []ingest.Sample
	failAfter int
	closed    bool
}

func (f *fakeSender) Write(s ingest.Sample) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failAfter > 0 && len(f.got) >= f.failAfter {
		return io.ErrClosedPipe
	}
	f.got = append(f.got, s)
	return nil
}

func (f *fakeSender) Stats() ingest.LinkStats {
	f.mu.Lock()
	defer f.mu.Unlock()
	return ingest.LinkStats{Bytes: uint64(len(f.got))}
}

func (f *fakeSender) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeSender) count() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.got)
}

var video = &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, FPS: 30}

// frame n of a stream with an IDR every 10.
func frame(n int) ingest.Sample {
	unit := []byte{0x41, byte(n)}
	if n%10 == 0 {
		unit = []byte{0x65, byte(n)}
	}
	return ingest.Sample{Track: video, DTS: int64(n) * 3000, PTS: int64(n) * 3000, Units: [][]byte{unit}}
}

func start(t *testing.T, dial DialFunc) *Uplink {
	t.Helper()
	u := &Uplink{
		URL: &url.URL{Scheme: "srt", Host: "127.0.0.1:1"}, Stream: "main", Key: "k", Tracks: []*ingest.Track{video},
		Dial: dial, MinBackoff: time.Millisecond, MaxBackoff: 5 * time.Millisecond, Logger: slog.New(slog.DiscardHandler),
	}
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(u.Close)
	return u
}

// TestUplinkReconnects: the first connection fails, the second dial
// fails too, the third connection carries on, starting at an IDR.
func TestUplinkReconnects(t *testing.T) {
	var mu sync.Mutex
	var senders []*fakeSender
	dials := 0
	u := start(t, func(context.Context, *url.URL, string, string, []*ingest.Track) (ingest.Sender, error) {
		mu.Lock()
		defer mu.Unlock()
		dials++
		if dials == 2 {
			return nil, errors.New("connection refused")
		}
		s := &fakeSender{}
		if dials == 1 {
			s.failAfter = 15
		}
		senders = append(senders, s)
		return s, nil
	})
	sender := func(i int) *fakeSender {
		mu.Lock()
		defer mu.Unlock()
		if i < len(senders) {
			return senders[i]
		}
		return nil
	}
	ingesttest.WaitFor(t, "a connection", func() bool { return u.Status().Connected })
	n := 3 // not an IDR: the uplink must wait for one
	ingesttest.WaitFor(t, "a second connection", func() bool {
		_ = u.Write(frame(n))
		n++
		return sender(1) != nil && sender(1).count() >= 5
	})
	first, second := sender(0), sender(1)
	if !first.closed {
		t.Error("the failed connection was not closed")
	}
	for i, s := range [][]ingest.Sample{first.got, second.got} {
		if s[0].Units[0][0] != 0x65 {
			t.Errorf("connection %d began with a sample that is not an IDR", i+1)
		}
	}
	st := u.Status()
	if !st.Connected || st.Dropped == 0 {
		t.Errorf("status %+v, want connected with drops counted", st)
	}
}

func TestUplinkGivesUpOnARefusedKey(t *testing.T) {
	u := start(t, func(context.Context, *url.URL, string, string, []*ingest.Track) (ingest.Sender, error) {
		return nil, ingest.ErrBadKey
	})
	select {
	case <-u.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the uplink kept trying a refused key")
	}
	if !errors.Is(u.Err(), ingest.ErrBadKey) {
		t.Errorf("Err %v, want ErrBadKey", u.Err())
	}
}

func TestUplinkCloseWhileRetrying(t *testing.T) {
	before := runtime.NumGoroutine()
	u := &Uplink{
		URL: &url.URL{Scheme: "srt", Host: "127.0.0.1:1"}, Stream: "main", Tracks: []*ingest.Track{video},
		MinBackoff: time.Hour, MaxBackoff: time.Hour, Logger: slog.New(slog.DiscardHandler),
		Dial: func(context.Context, *url.URL, string, string, []*ingest.Track) (ingest.Sender, error) {
			return nil, errors.New("no route to host")
		},
	}
	if err := u.Start(); err != nil {
		t.Fatal(err)
	}
	ingesttest.WaitFor(t, "a failed attempt", func() bool { return u.Status().Attempts == 1 })
	if err := u.Write(frame(0)); err != nil {
		t.Errorf("Write while disconnected: %v, want a silent drop", err)
	}
	ingesttest.MustReturn(t, "Close while waiting out the backoff", u.Close)
	ingesttest.CheckNoLeaks(t, before)
}
