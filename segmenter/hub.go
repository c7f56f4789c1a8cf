package segmenter

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/llcast/llcast/ingest"
)

// KeyChecker says whether a publisher may push to a stream: nil, or
// ingest.ErrUnknownStream or ingest.ErrBadKey. The stream store is one.
type KeyChecker interface {
	CheckKey(stream, key string) error
}

// StreamSettings are what a Broadcast or the Hub starts each Stream with;
// zero values take the Stream's defaults (Legacy off).
type StreamSettings struct {
	PartDuration, SegmentDuration time.Duration
	SegmentCount                  int
	// MaxWaitingPerClient caps one viewer's waiting requests per muxer.
	MaxWaitingPerClient int
	// Legacy adds the MPEG-TS rendition for old TVs.
	Legacy bool
	// AudioLanguage is the BCP 47 tag of the language spoken, announced
	// to players.
	AudioLanguage string
	// Delays, when set, records how late each stream's parts reach
	// viewers (Stream.PartDelay), for monitoring.
	Delays DelayRecorder
}

// DelayRecorder records the part delivery delays of streams by name.
type DelayRecorder interface {
	// PartDelay returns what a stream called name reports each delay to.
	PartDelay(name string) func(late time.Duration)
}

// start starts a Stream of tracks with these settings.
func (set StreamSettings) start(name string, tracks []*ingest.Track, log *slog.Logger) (*Stream, error) {
	s := &Stream{
		Name: name, Tracks: tracks, PartDuration: set.PartDuration, SegmentDuration: set.SegmentDuration,
		SegmentCount: set.SegmentCount, MaxWaitingPerClient: set.MaxWaitingPerClient,
		Legacy: set.Legacy, AudioLanguage: set.AudioLanguage, Logger: log,
	}
	if set.Delays != nil {
		s.PartDelay = set.Delays.PartDelay(name)
	}
	if err := s.Start(); err != nil {
		return nil, err
	}
	return s, nil
}

// Hub puts the sources that publish to a stream name on the air: the RTMP
// and SRT servers hand it their publishers (it is their
// ingest.Publishers), and file streams run through it the same way. Each
// name has one relay, which keeps its Stream across a publisher's
// reconnects.
type Hub struct {
	// Keys checks publish keys. Required.
	Keys KeyChecker
	// Registry publishes the streams. Required.
	Registry *Registry
	// Settings of every stream.
	Settings StreamSettings
	// Linger is how long a stream stays after its publisher left, for
	// the publisher to come back and continue it. It defaults to 1m.
	Linger time.Duration
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	mu     sync.Mutex // guards relays and closed
	relays map[string]*relay
	closed bool
	wg     sync.WaitGroup // the linger timers' work
}

// Start fills in defaults and validates.
func (h *Hub) Start() error {
	if h.Linger == 0 {
		h.Linger = time.Minute
	}
	if h.Logger == nil {
		h.Logger = slog.Default()
	}
	if h.Keys == nil || h.Registry == nil {
		return errors.New("hub needs Keys and a Registry")
	}
	h.relays = make(map[string]*relay)
	return nil
}

// Authorize checks a publisher's key, and that the stream is free.
func (h *Hub) Authorize(stream, key string) error {
	if err := h.Keys.CheckKey(stream, key); err != nil {
		return err
	}
	if st, ok := h.Publisher(stream); ok && st.Connected {
		return ingest.ErrStreamBusy
	}
	return nil
}

// Publish runs src as the source of stream p.Stream until src ends or ctx
// is done (or Kick), and returns src's error.
func (h *Hub) Publish(ctx context.Context, p ingest.Publication, src ingest.Source) error {
	r, err := h.relay(p.Stream)
	if err != nil {
		return err
	}
	return r.publish(ctx, p, src)
}

func (h *Hub) relay(name string) (*relay, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, errors.New("the server is shutting down")
	}
	r := h.relays[name]
	if r == nil {
		r = &relay{name: name, hub: h, log: h.Logger.With("component", "relay", "stream", name)}
		h.relays[name] = r
	}
	return r, nil
}

// Kick disconnects the stream's publisher, if it has one, and reports
// whether it had.
func (h *Hub) Kick(stream string) bool {
	h.mu.Lock()
	r := h.relays[stream]
	h.mu.Unlock()
	return r != nil && r.kick()
}

// End disconnects the stream's publisher and ends the stream at once,
// without waiting for the publisher to come back: the stream was removed.
func (h *Hub) End(stream string) {
	h.mu.Lock()
	r := h.relays[stream]
	delete(h.relays, stream)
	h.mu.Unlock()
	if r != nil {
		r.close()
	}
}

// Publisher describes the stream's publisher; ok is false for a stream
// that never had one since the server started.
func (h *Hub) Publisher(stream string) (st PublisherStatus, ok bool) {
	h.mu.Lock()
	r := h.relays[stream]
	h.mu.Unlock()
	if r == nil {
		return PublisherStatus{}, false
	}
	return r.status(), true
}

// Close disconnects every publisher, ends every stream and waits.
func (h *Hub) Close() {
	h.mu.Lock()
	h.closed = true
	relays := make([]*relay, 0, len(h.relays))
	for _, r := range h.relays {
		relays = append(relays, r)
	}
	h.mu.Unlock()
	for _, r := range relays {
		r.close()
	}
	h.wg.Wait()
}
