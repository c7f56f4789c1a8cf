package uplink

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/llcast/llcast/ingest"
)

// DialFunc connects to a server and announces the tracks.
type DialFunc func(ctx context.Context, u *url.URL, stream, key string, tracks []*ingest.Track) (ingest.Sender, error)

// Uplink sends a broadcast's samples to a remote llcast and keeps doing
// so: when the connection fails it dials again, waiting a little longer
// each time, and drops what comes meanwhile. It takes samples without
// blocking; one goroutine writes them.
type Uplink struct {
	// URL of the server: srt://, rtmp:// or rtmps://. Required.
	URL *url.URL
	// Stream and Key to publish with. Required.
	Stream, Key string
	// Tracks of the samples. Required.
	Tracks []*ingest.Track
	// Dial connects. Required (cmd picks the protocol's by URL scheme).
	Dial DialFunc
	// MinBackoff and MaxBackoff bound the wait between attempts. They
	// default to 500ms and 10s.
	MinBackoff, MaxBackoff time.Duration
	// QueueSize is how many samples may wait for the network. It
	// defaults to 256, about 3 s of video and audio.
	QueueSize int
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	queue   chan ingest.Sample
	ctx     context.Context
	cancel  context.CancelFunc
	done    chan struct{}
	err     error // why it gave up; set before done closes
	dropped atomic.Uint64
	live    atomic.Bool // connected: Write queues

	mu     sync.Mutex // guards st and sender
	st     Status
	sender ingest.Sender
}

// Status describes the connection for the status line and the tray.
type Status struct {
	Connected bool
	// Since is when the current connection (or the current wait) began.
	Since time.Time
	// Attempts counts the failed attempts since the last connection.
	Attempts int
	// LastError is why the last connection ended or failed.
	LastError string
	// Link is what the connection reports: bytes sent, RTT, losses.
	Link ingest.LinkStats
	// Dropped counts samples not sent: while disconnected, or queued
	// beyond QueueSize.
	Dropped uint64
}

// Start validates and begins connecting in the background.
func (u *Uplink) Start() error {
	if u.MinBackoff == 0 {
		u.MinBackoff = 500 * time.Millisecond
	}
	if u.MaxBackoff == 0 {
		u.MaxBackoff = 10 * time.Second
	}
	if u.QueueSize == 0 {
		u.QueueSize = 256
	}
	if u.Logger == nil {
		u.Logger = slog.Default()
	}
	switch {
	case u.URL == nil || u.Stream == "" || u.Dial == nil || len(u.Tracks) == 0:
		return errors.New("uplink needs a URL, a Stream, Tracks and Dial")
	case u.MinBackoff > u.MaxBackoff:
		return fmt.Errorf("uplink MinBackoff %v is above MaxBackoff %v", u.MinBackoff, u.MaxBackoff)
	}
	u.Logger = u.Logger.With("component", "push", "to", u.URL.Redacted(), "stream", u.Stream)
	u.queue = make(chan ingest.Sample, u.QueueSize)
	u.ctx, u.cancel = context.WithCancel(context.Background())
	u.done = make(chan struct{})
	u.st.Since = time.Now()
	go u.run()
	return nil
}

// Write queues a sample. While disconnected it is dropped, which is no
// error: the uplink is reconnecting, and says so.
func (u *Uplink) Write(s ingest.Sample) error {
	if !u.live.Load() {
		u.dropped.Add(1)
		return nil
	}
	select {
	case u.queue <- s:
		return nil
	default:
		u.dropped.Add(1)
		return errors.New("the network cannot keep up: sample dropped")
	}
}

// Dropped counts the samples not sent.
func (u *Uplink) Dropped() uint64 { return u.dropped.Load() }

// Status returns a snapshot.
func (u *Uplink) Status() Status {
	u.mu.Lock()
	defer u.mu.Unlock()
	st := u.st
	if u.sender != nil {
		st.Link = u.sender.Stats()
	}
	st.Dropped = u.dropped.Load()
	return st
}

// Done is closed when the uplink gave up: the server refused the stream
// or the key, which another attempt cannot mend. Err says why.
func (u *Uplink) Done() <-chan struct{} { return u.done }

// Err is why the uplink gave up, after Done.
func (u *Uplink) Err() error { return u.err }

// Close disconnects and waits.
func (u *Uplink) Close() {
	u.cancel()
	<-u.done
}

func (u *Uplink) run() {
	defer close(u.done)
	wait := u.MinBackoff
	for {
		sender, err := u.Dial(u.ctx, u.URL, u.Stream, u.Key, u.Tracks)
		if u.ctx.Err() != nil {
			if sender != nil {
				_ = sender.Close()
			}
			return
		}
		if err != nil {
			if errors.Is(err, ingest.ErrBadKey) || errors.Is(err, ingest.ErrUnknownStream) {
				u.err = fmt.Errorf("the server refused to take stream %q: %w", u.Stream, err)
				u.Logger.Error("giving up", "error", u.err)
				return
			}
			u.failed(err, wait)
		} else {
			wait = u.MinBackoff
			err = u.send(sender)
			if u.ctx.Err() != nil {
				return
			}
			u.failed(err, wait)
		}
		select {
		case <-u.ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, u.MaxBackoff)
	}
}

// failed records a failed attempt or a lost connection.
func (u *Uplink) failed(err error, wait time.Duration) {
	u.mu.Lock()
	was := u.st.Connected
	u.st.Connected, u.st.LastError = false, err.Error()
	if was {
		u.st.Since, u.st.Attempts = time.Now(), 0
	} else {
		u.st.Attempts++
	}
	u.mu.Unlock()
	if was {
		u.Logger.Warn("connection lost, reconnecting", "error", err, "retry_in", wait)
	} else {
		u.Logger.Warn("cannot connect, trying again", "error", err, "retry_in", wait)
	}
}

// send writes queued samples to sender until it fails or Close. Video
// starts at an IDR, which a server needs to begin with.
func (u *Uplink) send(sender ingest.Sender) error {
	u.mu.Lock()
	u.sender = sender
	u.st.Connected, u.st.Since, u.st.Attempts, u.st.LastError = true, time.Now(), 0, ""
	u.mu.Unlock()
	u.Logger.Info("connected")
	u.live.Store(true)
	defer func() {
		u.live.Store(false)
		u.mu.Lock()
		u.sender = nil
		u.mu.Unlock()
		_ = sender.Close()
	}()
	hasVideo := false
	for _, t := range u.Tracks {
		hasVideo = hasVideo || t.IsVideo()
	}
	started := !hasVideo
	// What queued up while disconnected is stale: players want now.
	u.drain()
	for {
		select {
		case <-u.ctx.Done():
			return nil
		case s := <-u.queue:
			if !started {
				if !s.Track.IsVideo() || !h264.IsRandomAccess(s.Units) {
					u.dropped.Add(1)
					continue
				}
				started = true
			}
			if err := sender.Write(s); err != nil {
				return err
			}
		}
	}
}

// drain drops what waits in the queue.
func (u *Uplink) drain() {
	for {
		select {
		case <-u.queue:
			u.dropped.Add(1)
		default:
			return
		}
	}
}
