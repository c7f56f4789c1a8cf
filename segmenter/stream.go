package segmenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter/llhls"
)

// ErrQueueFull is returned by Write when the muxer cannot keep up.
var ErrQueueFull = errors.New("stream queue is full, sample dropped")

// Stream turns the samples of one source into a Low-Latency HLS stream
// (segmenter/llhls) and serves its playlists, initialization sections,
// segments and parts; with Legacy, also a classic MPEG-TS rendition of the
// same samples under legacy/. One goroutine writes to both muxers.
type Stream struct {
	// Name appears in the URL /live/{Name}/. Required.
	Name string
	// Tracks of the source, as reported by it after Start. Required.
	Tracks []*ingest.Track
	// PartDuration, SegmentDuration, SegmentCount and MaxWaiting (per
	// muxer) configure the muxers; zero takes llhls.Muxer's defaults
	// (100ms, 1s, 7, 4096).
	PartDuration, SegmentDuration time.Duration
	SegmentCount, MaxWaiting      int
	// MaxWaitingPerClient caps one client's waiting requests per muxer
	// (llhls.Muxer). It defaults to 16.
	MaxWaitingPerClient int
	// QueueSize is how many samples may wait for the muxer. It defaults to 512.
	QueueSize int
	// Legacy adds a non-low-latency MPEG-TS rendition at legacy/index.m3u8
	// for old TVs and set-top boxes. It defaults to false.
	Legacy bool
	// LegacySegmentDuration is the least duration of a segment of the
	// legacy rendition; segments begin at an IDR. It defaults to 2s.
	LegacySegmentDuration time.Duration
	// AudioLanguage is the BCP 47 tag of the language spoken, for the
	// LANGUAGE and NAME of the audio rendition. It defaults to "und".
	AudioLanguage string
	// PartDelay, when set, is told how late each LL-HLS part is as it is
	// sent to a viewer (llhls.Muxer.PartServed). It defaults to nil.
	PartDelay func(late time.Duration)
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	muxer  *llhls.Muxer
	legacy *llhls.LegacyMuxer // nil without Legacy
	known  map[*ingest.Track]bool
	queue  chan queued
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}

	closeOnce sync.Once

	dropped  atomic.Uint64
	written  atomic.Uint64
	warnings atomic.Uint64
}

// Start fills in defaults, validates and starts the muxers and their writer.
func (s *Stream) Start() error {
	if s.QueueSize == 0 {
		s.QueueSize = 512
	}
	if s.LegacySegmentDuration == 0 {
		s.LegacySegmentDuration = 2 * time.Second
	}
	if s.AudioLanguage == "" {
		s.AudioLanguage = "und"
	}
	if s.Logger == nil {
		s.Logger = slog.Default()
	}
	if err := s.validate(); err != nil {
		return err
	}
	s.Logger = s.Logger.With("component", "segmenter", "stream", s.Name)

	s.muxer = &llhls.Muxer{
		Tracks: s.Tracks, PartDuration: s.PartDuration, SegmentDuration: s.SegmentDuration,
		SegmentCount: s.SegmentCount, MaxWaiting: s.MaxWaiting, MaxWaitingPerClient: s.MaxWaitingPerClient,
		AudioLanguage: s.AudioLanguage, AudioName: languageName(s.AudioLanguage),
		PartServed: s.PartDelay, Logger: s.Logger.With("rendition", "ll-hls"),
	}
	if err := s.muxer.Start(); err != nil {
		return fmt.Errorf("stream %q: %w", s.Name, err)
	}
	if s.Legacy && s.LegacySegmentDuration < s.muxer.SegmentDuration {
		// The encoder puts an IDR every SegmentDuration; legacy segments
		// can only begin at one.
		return fmt.Errorf("stream %q: LegacySegmentDuration %v is shorter than SegmentDuration %v",
			s.Name, s.LegacySegmentDuration, s.muxer.SegmentDuration)
	}
	if s.Legacy {
		s.legacy = &llhls.LegacyMuxer{
			Tracks: s.Tracks, SegmentDuration: s.LegacySegmentDuration, SegmentCount: s.SegmentCount,
			MaxWaiting: s.MaxWaiting, MaxWaitingPerClient: s.MaxWaitingPerClient,
			Logger: s.Logger.With("rendition", "legacy"),
		}
		if err := s.legacy.Start(); err != nil {
			return fmt.Errorf("stream %q: Legacy: %w", s.Name, err)
		}
		for _, t := range s.Tracks {
			if !s.legacy.Carries(t) {
				s.Logger.Warn("the legacy rendition has no sound: Opus cannot go in MPEG-TS; choose AAC audio for old TVs")
			}
		}
	}
	s.known = make(map[*ingest.Track]bool, len(s.Tracks))
	for _, t := range s.Tracks {
		s.known[t] = true
	}
	s.queue = make(chan queued, s.QueueSize)
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.done = make(chan struct{})
	go s.run()
	return nil
}

func (s *Stream) validate() error {
	switch {
	case s.Name == "":
		return errors.New("stream Name is empty")
	case len(s.Tracks) == 0:
		return fmt.Errorf("stream %q has no Tracks", s.Name)
	case s.QueueSize < 1:
		return fmt.Errorf("stream %q: QueueSize must be positive", s.Name)
	case !isLanguageTag(s.AudioLanguage):
		return fmt.Errorf("stream %q: AudioLanguage %q is not a BCP 47 language tag such as \"en\" or \"pt-BR\"",
			s.Name, s.AudioLanguage)
	}
	return nil
}

// Write queues a sample for the muxers without blocking. A sample of a
// track the stream was not started with is an error.
func (s *Stream) Write(sample ingest.Sample) error {
	if !s.known[sample.Track] {
		return fmt.Errorf("stream %q: sample of an unknown %s track", s.Name, sample.Track.Codec)
	}
	select {
	case s.queue <- queued{sample: sample}:
		return nil
	default:
		s.dropped.Add(1)
		return ErrQueueFull
	}
}

// queued is a sample for the writer, or the news that another source
// follows.
type queued struct {
	sample      ingest.Sample
	discontinue bool
}

// Discontinue says that the samples written from now on come from another
// source, such as a publisher that reconnected: the LL-HLS playlists get
// an EXT-X-DISCONTINUITY at its first IDR. The samples must carry on the
// timestamps, tracks and codec parameters of the ones before. It waits
// for room in the queue.
func (s *Stream) Discontinue() {
	select {
	case s.queue <- queued{discontinue: true}:
	case <-s.ctx.Done():
	}
}

// run is the only goroutine that writes to the muxers.
func (s *Stream) run() {
	defer close(s.done)
	for {
		select {
		case <-s.ctx.Done():
			return
		case q := <-s.queue:
			if q.discontinue {
				s.muxer.Discontinue()
				continue
			}
			s.write(q.sample)
		}
	}
}

// write hands a sample to the muxers, low latency first.
func (s *Stream) write(sample ingest.Sample) {
	if err := s.muxer.WriteSample(sample); err != nil {
		s.rejected("ll-hls", sample, err)
	} else {
		s.written.Add(1)
	}
	if s.legacy != nil {
		if err := s.legacy.WriteSample(sample); err != nil {
			s.rejected("legacy", sample, err)
		}
	}
}

func (s *Stream) rejected(rendition string, sample ingest.Sample, err error) {
	s.warnings.Add(1)
	s.Logger.Warn("sample rejected by muxer", "rendition", rendition, "codec", sample.Track.Codec, "error", err)
}

// Stats are counters of a stream since Start.
type Stats struct {
	Written, Dropped, Warnings uint64
}

// Stats returns the stream's counters.
func (s *Stream) Stats() Stats {
	return Stats{Written: s.written.Load(), Dropped: s.dropped.Load(), Warnings: s.warnings.Load()}
}

// SourceAway holds the requests waiting for media for up to hold while
// the source is away (see llhls.Muxer.SourceAway); 0 says it is back.
func (s *Stream) SourceAway(hold time.Duration) {
	s.muxer.SourceAway(hold)
	if s.legacy != nil {
		s.legacy.SourceAway(hold)
	}
}

// Dropped counts the samples the queue had no room for.
func (s *Stream) Dropped() uint64 { return s.dropped.Load() }

// Close stops the writer and ends the muxers, which answers every
// waiting request. Calling it again does nothing.
func (s *Stream) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.done
		s.muxer.Close()
		if s.legacy != nil {
			s.legacy.Close()
		}
	})
}
