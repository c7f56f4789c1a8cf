package ingest

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"time"
)

// TestSource is the built-in source used when there is no camera: 720p30
// colour bars with a wall clock and the timestamp strip, and a tone that
// beeps on every second, encoded exactly as a camera's frames would be.
type TestSource struct {
	Encoding

	// now is the wall clock; tests replace it.
	now func() time.Time

	video    *Track
	audio    *Track
	videoEnc *H264Encoder
	audioEnc audioEncoder
	pattern  *testPattern
	tone     tone
}

// Start fills in defaults, validates and opens the encoders.
func (s *TestSource) Start() error {
	s.setDefaults()
	if s.now == nil {
		s.now = time.Now
	}
	if s.Width < StripSquares*StripSquareSize || s.Height < 8*StripSquareSize {
		return fmt.Errorf("invalid test source size %dx%d: the timestamp strip needs at least %dx%d",
			s.Width, s.Height, StripSquares*StripSquareSize, 8*StripSquareSize)
	}

	videoEnc, video, err := s.newVideoEncoder(s.Width, s.Height)
	if err != nil {
		return fmt.Errorf("video encoder: %w", err)
	}
	s.videoEnc, s.video = videoEnc, video
	audioEnc, track, err := newAudioEncoder(s.AudioCodec, s.AudioBitrate)
	if err != nil {
		s.videoEnc.Close()
		return err
	}
	s.audioEnc, s.audio = audioEnc, track
	s.pattern = newTestPattern(s.Width, s.Height)
	s.tone = tone{sampleRate: track.SampleRate, channels: track.Channels}
	return nil
}

// Tracks returns the video and the audio track.
func (s *TestSource) Tracks() []*Track { return []*Track{s.video, s.audio} }

// Run produces samples in real time until ctx ends; it then returns nil.
func (s *TestSource) Run(parent context.Context, emit Emit) error {
	start := s.now()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() {
		errs[0] = runVideo(ctx, s.video, s.videoEnc, newVideoClock(start, s.FPS), s.captureVideo(start), emit)
		cancel()
	})
	wg.Go(func() {
		errs[1] = runAudio(ctx, s.audio, s.audioEnc, start, s.captureAudio(start), emit)
		cancel()
	})
	wg.Wait()
	if parent.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

// Close releases the encoders.
func (s *TestSource) Close() {
	if s.videoEnc != nil {
		s.videoEnc.Close()
	}
	if s.audioEnc != nil {
		s.audioEnc.Close()
	}
}

// captureVideo paces pictures on the frame grid. When the machine falls more
// than a second behind it skips ahead rather than streaming ever later.
func (s *TestSource) captureVideo(start time.Time) videoCapture {
	interval := time.Second / time.Duration(s.FPS)
	n := 0
	return func(ctx context.Context) (image.Image, time.Time, error) {
		t := start.Add(time.Duration(n) * interval)
		if late := s.now().Sub(t); late > time.Second {
			skip := int(late / interval)
			s.Logger.Warn("test source fell behind, skipping frames", "frames", skip)
			n += skip
			t = start.Add(time.Duration(n) * interval)
		}
		n++
		if err := sleepUntil(ctx, s.now, t); err != nil {
			return nil, time.Time{}, err
		}
		return s.pattern.draw(t), t, nil
	}
}

func (s *TestSource) captureAudio(start time.Time) audioCapture {
	frame := int64(s.audioEnc.FrameSamples())
	var k int64
	return func(ctx context.Context, buf []int16) (time.Time, error) {
		t := start.Add(time.Duration(k * frame * int64(time.Second) / int64(s.audio.SampleRate)))
		k++
		// A frame is captured once its last sample has been "recorded".
		end := t.Add(time.Duration(frame * int64(time.Second) / int64(s.audio.SampleRate)))
		if err := sleepUntil(ctx, s.now, end); err != nil {
			return time.Time{}, err
		}
		s.tone.fill(buf, t)
		return t, nil
	}
}

// sleepUntil waits until the clock reaches t or ctx ends.
func sleepUntil(ctx context.Context, now func() time.Time, t time.Time) error {
	d := t.Sub(now())
	if d <= 0 {
		return ctx.Err()
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// newAudioEncoder opens a 48 kHz stereo encoder for codec and describes its
// track.
func newAudioEncoder(codec Codec, bitrate int) (audioEncoder, *Track, error) {
	track := &Track{Codec: codec, ClockRate: 48000, SampleRate: 48000, Channels: 2}
	switch codec {
	case CodecAAC:
		enc := &AACEncoder{SampleRate: 48000, Channels: 2, Bitrate: bitrate}
		if err := enc.Start(); err != nil {
			return nil, nil, fmt.Errorf("aac encoder: %w", err)
		}
		track.AACConfig = enc.Config()
		return enc, track, nil
	case CodecOpus:
		enc := &OpusEncoder{SampleRate: 48000, Channels: 2, Bitrate: bitrate}
		if err := enc.Start(); err != nil {
			return nil, nil, fmt.Errorf("opus encoder: %w", err)
		}
		return enc, track, nil
	}
	return nil, nil, fmt.Errorf("unknown audio codec %q: use aac or opus", codec)
}
