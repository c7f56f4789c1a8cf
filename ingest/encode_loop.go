package ingest

import (
	"context"
	"fmt"
	"image"
	"time"
)

// Emit receives the samples a source produces. It is called from the
// source's goroutines and must not block for long.
type Emit func(Sample)

// audioEncoder is what the audio loop needs of AACEncoder and OpusEncoder.
type audioEncoder interface {
	FrameSamples() int
	// Delay is the codec delay in samples: what comes out of a decoder at
	// PTS p is the sound captured at p - Delay.
	Delay() int
	Encode(pcm []int16) ([]byte, error)
	Close()
}

// videoCapture returns the next picture and the wall-clock time it was
// captured at, blocking until there is one.
type videoCapture func(ctx context.Context) (image.Image, time.Time, error)

// audioCapture fills buf with the next interleaved PCM and returns the
// capture time of its first sample, blocking until it is full.
type audioCapture func(ctx context.Context, buf []int16) (time.Time, error)

// videoClock turns capture times into a steady 90 kHz PTS: snapped to the
// frame grid and strictly increasing, because the HLS muxer cuts regular
// parts only from a regular frame clock.
type videoClock struct {
	start    time.Time
	interval int64 // PTS units per frame
	last     int64
	started  bool
}

func newVideoClock(start time.Time, fps int) *videoClock {
	return &videoClock{start: start, interval: int64(90000 / fps)}
}

func (c *videoClock) pts(t time.Time) int64 {
	ticks := t.Sub(c.start).Nanoseconds() * 9 / 100_000
	n := (ticks + c.interval/2) / c.interval * c.interval
	if c.started && n <= c.last {
		n = c.last + c.interval
	}
	c.last, c.started = n, true
	return n
}

// runVideo captures, encodes and emits pictures until ctx ends.
func runVideo(ctx context.Context, track *Track, enc *H264Encoder, clock *videoClock,
	capture videoCapture, emit Emit,
) error {
	for {
		img, t, err := capture(ctx)
		if err != nil {
			return err
		}
		au, err := enc.Encode(img)
		if err != nil {
			return fmt.Errorf("encoding video: %w", err)
		}
		if len(au) == 0 {
			continue
		}
		emit(Sample{Track: track, PTS: clock.pts(t), NTP: t, Units: au})
	}
}

// runAudio captures, encodes and emits audio frames until ctx ends. PTS
// counts samples from the first frame's offset to the shared start, so
// audio never drifts against its own clock, moved back by the codec delay so
// that sound and picture captured together play together.
func runAudio(ctx context.Context, track *Track, enc audioEncoder, start time.Time,
	capture audioCapture, emit Emit,
) error {
	buf := make([]int16, enc.FrameSamples()*track.Channels)
	var pts int64
	for first := true; ; first = false {
		t, err := capture(ctx, buf)
		if err != nil {
			return err
		}
		if first {
			pts = int64(t.Sub(start))*int64(track.SampleRate)/int64(time.Second) - int64(enc.Delay())
		}
		pkt, err := enc.Encode(buf)
		if err != nil {
			return fmt.Errorf("encoding audio: %w", err)
		}
		if len(pkt) > 0 {
			emit(Sample{Track: track, PTS: pts, NTP: t, Units: [][]byte{pkt}})
		}
		pts += int64(enc.FrameSamples())
	}
}
