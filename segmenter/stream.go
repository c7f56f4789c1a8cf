package segmenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
	"github.com/llcast/llcast/ingest"
)

// ErrQueueFull is returned by Write when the muxer cannot keep up.
var ErrQueueFull = errors.New("stream queue is full, sample dropped")

// Stream turns the samples of one source into a Low-Latency HLS stream and
// serves its playlists, init files, segments and parts; with Legacy, also a
// classic MPEG-TS rendition of the same samples under legacy/.
type Stream struct {
	// Name appears in the URL /live/{Name}/. Required.
	Name string
	// Tracks of the source, as reported by it after Start. Required.
	Tracks []*ingest.Track
	// PartDuration is the minimum part duration. It defaults to 200ms.
	PartDuration time.Duration
	// SegmentDuration is the minimum segment duration. It defaults to 1s.
	SegmentDuration time.Duration
	// SegmentCount is the number of segments kept. It defaults to 7.
	SegmentCount int
	// QueueSize is how many samples may wait for the muxer. It defaults to 512.
	QueueSize int
	// MaxWaiting caps the requests waiting for a part at once. It defaults to 1024.
	MaxWaiting int
	// Legacy adds a non-low-latency MPEG-TS rendition at legacy/index.m3u8
	// for old TVs and set-top boxes. It defaults to false.
	Legacy bool
	// LegacySegmentDuration is the minimum segment duration of the legacy
	// rendition; segments end on an IDR. It defaults to 2s.
	LegacySegmentDuration time.Duration
	// MaxHold is the longest a sample waits for the other tracks to catch
	// up with its time (see sampleOrder): video waits for the audio of its
	// time, which the pipeline emits about 0.1 s later. It defaults to 250ms.
	MaxHold time.Duration
	// AudioLanguage is the BCP 47 tag of the language spoken, for the
	// LANGUAGE and NAME of the audio rendition. It defaults to "und".
	AudioLanguage string
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger

	muxer  *gohlslib.Muxer
	out    *muxerOutput
	tracks map[*ingest.Track]*gohlslib.Track
	legacy *legacyRendition // nil without Legacy
	queue  chan ingest.Sample
	order  *sampleOrder // the writer goroutine's
	start  *startGate   // the writer goroutine's
	gzip   playlistGzip
	ctx    context.Context
	cancel context.CancelFunc
	done   chan struct{}
	err    error

	// waiting limits and tracks the handler goroutines of requests in flight;
	// see serveHTTP.
	waiting  chan struct{}
	handlers sync.WaitGroup

	closeOnce sync.Once

	dropped  atomic.Uint64
	written  atomic.Uint64
	warnings atomic.Uint64
}

// Start fills in defaults, validates and starts the muxer and its writer.
func (s *Stream) Start() error {
	if s.PartDuration == 0 {
		s.PartDuration = 200 * time.Millisecond
	}
	if s.SegmentDuration == 0 {
		s.SegmentDuration = time.Second
	}
	if s.SegmentCount == 0 {
		s.SegmentCount = 7
	}
	if s.QueueSize == 0 {
		s.QueueSize = 512
	}
	if s.MaxWaiting == 0 {
		s.MaxWaiting = 1024
	}
	if s.LegacySegmentDuration == 0 {
		s.LegacySegmentDuration = 2 * time.Second
	}
	if s.MaxHold == 0 {
		s.MaxHold = 250 * time.Millisecond
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

	s.tracks = make(map[*ingest.Track]*gohlslib.Track, len(s.Tracks))
	muxTracks := make([]*gohlslib.Track, 0, len(s.Tracks))
	for _, t := range s.Tracks {
		mt, err := muxerTrack(t)
		if err != nil {
			return err
		}
		if !t.IsVideo() {
			mt.Language, mt.Name = s.AudioLanguage, languageName(s.AudioLanguage)
		}
		s.tracks[t] = mt
		muxTracks = append(muxTracks, mt)
	}
	s.muxer = &gohlslib.Muxer{
		Tracks:             muxTracks,
		Variant:            gohlslib.MuxerVariantLowLatency,
		SegmentCount:       s.SegmentCount,
		SegmentMinDuration: s.SegmentDuration,
		PartMinDuration:    s.PartDuration,
		OnEncodeError:      s.onEncodeError("ll-hls"),
	}
	if err := s.muxer.Start(); err != nil {
		return fmt.Errorf("stream %q: starting muxer: %w", s.Name, err)
	}
	s.out = newMuxerOutput(s.muxer, s.TargetDuration(), s.SegmentCount, len(muxTracks), true)
	for _, t := range s.Tracks {
		if !t.IsVideo() {
			s.out.rewriter.audioChannels = t.Channels
		}
	}
	if s.Legacy {
		legacy, err := newLegacyRendition(s.Tracks, s.LegacySegmentDuration, s.Logger, s.onEncodeError("legacy"))
		if err != nil {
			s.muxer.Close()
			return fmt.Errorf("stream %q: %w", s.Name, err)
		}
		s.legacy = legacy
	}

	s.queue = make(chan ingest.Sample, s.QueueSize)
	s.order = newSampleOrder(s.Tracks, s.MaxHold, s.QueueSize)
	s.start = newStartGate(s.Tracks)
	s.waiting = make(chan struct{}, s.MaxWaiting)
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
	case s.PartDuration < 10*time.Millisecond:
		return fmt.Errorf("stream %q: PartDuration %v is too short, use at least 10ms", s.Name, s.PartDuration)
	case s.SegmentDuration < s.PartDuration:
		return fmt.Errorf("stream %q: SegmentDuration %v is shorter than PartDuration %v",
			s.Name, s.SegmentDuration, s.PartDuration)
	case s.SegmentCount < 3:
		return fmt.Errorf("stream %q: SegmentCount %d is too small, use at least 3", s.Name, s.SegmentCount)
	case s.QueueSize < 1 || s.MaxWaiting < 1 || s.MaxHold < 0:
		return fmt.Errorf("stream %q: QueueSize and MaxWaiting must be positive, MaxHold not negative", s.Name)
	case !isLanguageTag(s.AudioLanguage):
		return fmt.Errorf("stream %q: AudioLanguage %q is not a BCP 47 language tag such as \"en\" or \"pt-BR\"",
			s.Name, s.AudioLanguage)
	case s.Legacy && s.LegacySegmentDuration < s.SegmentDuration:
		// The encoder puts an IDR every SegmentDuration; legacy segments
		// can only end on one.
		return fmt.Errorf("stream %q: LegacySegmentDuration %v is shorter than SegmentDuration %v",
			s.Name, s.LegacySegmentDuration, s.SegmentDuration)
	}
	return nil
}

// onEncodeError counts and logs what a muxer could not encode.
func (s *Stream) onEncodeError(rendition string) func(error) {
	return func(err error) {
		s.warnings.Add(1)
		s.Logger.Warn("muxer", "rendition", rendition, "error", err)
	}
}

func muxerTrack(t *ingest.Track) (*gohlslib.Track, error) {
	switch t.Codec {
	case ingest.CodecH264:
		return &gohlslib.Track{Codec: &codecs.H264{}, ClockRate: 90000}, nil
	case ingest.CodecAAC:
		cfg := t.AACConfig
		return &gohlslib.Track{Codec: &codecs.MPEG4Audio{Config: cfg}, ClockRate: t.SampleRate}, nil
	case ingest.CodecOpus:
		return &gohlslib.Track{Codec: &codecs.Opus{ChannelCount: t.Channels}, ClockRate: 48000}, nil
	}
	return nil, fmt.Errorf("track codec %q is not supported by the HLS muxer", t.Codec)
}

// Write queues a sample for the muxer without blocking. A sample of a track
// the stream was not started with is an error.
func (s *Stream) Write(sample ingest.Sample) error {
	if _, ok := s.tracks[sample.Track]; !ok {
		return fmt.Errorf("stream %q: sample of an unknown %s track", s.Name, sample.Track.Codec)
	}
	select {
	case s.queue <- sample:
		return nil
	default:
		s.dropped.Add(1)
		return ErrQueueFull
	}
}

// Stats are counters of a stream since Start.
type Stats struct {
	Written, Dropped, Warnings uint64
}

// Stats returns the stream's counters.
func (s *Stream) Stats() Stats {
	return Stats{Written: s.written.Load(), Dropped: s.dropped.Load(), Warnings: s.warnings.Load()}
}

// TargetDuration is the EXT-X-TARGETDURATION the muxer announces while
// segments keep their planned length: SegmentDuration rounded up to whole
// seconds, as the spec requires.
func (s *Stream) TargetDuration() time.Duration { return targetDuration(s.SegmentDuration) }

// targetDuration rounds a segment duration up to whole seconds.
func targetDuration(segment time.Duration) time.Duration {
	return (segment + time.Second - 1).Truncate(time.Second)
}

// Close stops the writer, closes the muxer (which releases every waiting
// request) and waits for all of them. Calling it again does nothing.
func (s *Stream) Close() {
	s.closeOnce.Do(func() {
		s.cancel()
		<-s.done
		s.muxer.Close()
		if s.legacy != nil {
			s.legacy.muxer.Close()
		}
		s.handlers.Wait()
	})
}
