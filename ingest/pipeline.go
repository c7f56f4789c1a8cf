package ingest

import (
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// Emit receives the samples a pipeline produces. It is called from the
// pipeline's goroutines and must not block for long.
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

// Pipeline encodes what its inputs deliver into one H.264 track and one
// audio track, on a clock of its own: a picture every 1/FPS and an audio
// frame every frame length, whatever the inputs do. Inputs can be swapped
// while it runs — viewers see the new picture from the next frame on, with
// timestamps that keep increasing — and an input that has nothing to give
// is replaced by a slate (video) or silence (audio), so the stream never
// stops because a camera did.
type Pipeline struct {
	Encoding

	// now is the wall clock; tests replace it.
	now func() time.Time

	video, audio *Track
	videoEnc     *H264Encoder
	audioEnc     audioEncoder
	slate        *slate

	mu  sync.Mutex // guards vin and ain
	vin VideoInput
	ain AudioInput

	framesIn, framesOut, videoBytes, audioBytes atomic.Uint64
}

// PipelineStats are counters since the pipeline started.
type PipelineStats struct {
	// FramesIn counts new pictures taken from the video input; FramesOut
	// every encoded frame, repeats and slates included.
	FramesIn, FramesOut uint64
	// VideoBytes and AudioBytes count encoded payload.
	VideoBytes, AudioBytes uint64
}

// Start fills in defaults, validates and opens the encoders.
func (p *Pipeline) Start() error {
	p.SetDefaults()
	if p.now == nil {
		p.now = time.Now
	}
	videoEnc, video, err := p.newVideoEncoder(p.Width, p.Height)
	if err != nil {
		return fmt.Errorf("video encoder: %w", err)
	}
	audioEnc, audio, err := newAudioEncoder(p.AudioCodec, p.AudioBitrate)
	if err != nil {
		videoEnc.Close()
		return err
	}
	p.videoEnc, p.video, p.audioEnc, p.audio = videoEnc, video, audioEnc, audio
	p.slate = newSlate(p.Width, p.Height)
	return nil
}

// Tracks returns the video and the audio track; they never change.
func (p *Pipeline) Tracks() []*Track { return []*Track{p.video, p.audio} }

// SetVideo makes in the video input (nil: a "no camera" slate) and closes
// the previous one.
func (p *Pipeline) SetVideo(in VideoInput) {
	p.mu.Lock()
	old := p.vin
	p.vin = in
	p.mu.Unlock()
	if old != nil && old != in {
		old.Close()
	}
}

// SetAudio makes in the audio input (nil: silence) and closes the
// previous one.
func (p *Pipeline) SetAudio(in AudioInput) {
	p.mu.Lock()
	old := p.ain
	p.ain = in
	p.mu.Unlock()
	if old != nil && old != in {
		old.Close()
	}
}

func (p *Pipeline) inputs() (VideoInput, AudioInput) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.vin, p.ain
}

// Status describes the current inputs.
func (p *Pipeline) Status() (video, audio InputStatus) {
	vin, ain := p.inputs()
	video = InputStatus{Kind: InputNone, State: StateOff}
	audio = video
	if vin != nil {
		video = vin.Status()
	}
	if ain != nil {
		audio = ain.Status()
	}
	return video, audio
}

// Stats returns the counters.
func (p *Pipeline) Stats() PipelineStats {
	return PipelineStats{
		FramesIn: p.framesIn.Load(), FramesOut: p.framesOut.Load(),
		VideoBytes: p.videoBytes.Load(), AudioBytes: p.audioBytes.Load(),
	}
}

// Run produces samples in real time until ctx ends (it then returns nil)
// or an encoder fails.
func (p *Pipeline) Run(parent context.Context, emit Emit) error {
	start := p.now()
	ctx, cancel := context.WithCancel(parent)
	defer cancel()
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() {
		errs[0] = p.runVideo(ctx, start, emit)
		cancel()
	})
	wg.Go(func() {
		errs[1] = p.runAudio(ctx, start, emit)
		cancel()
	})
	wg.Wait()
	if parent.Err() != nil {
		return nil
	}
	return errors.Join(errs...)
}

// Close closes the inputs and the encoders; call it after Run returned.
func (p *Pipeline) Close() {
	p.SetVideo(nil)
	p.SetAudio(nil)
	if p.videoEnc != nil {
		p.videoEnc.Close()
	}
	if p.audioEnc != nil {
		p.audioEnc.Close()
	}
}

// runVideo encodes a picture on every tick of the frame clock. PTS counts
// frames, so parts come out perfectly regular whatever the camera does.
func (p *Pipeline) runVideo(ctx context.Context, start time.Time, emit Emit) error {
	fps := int64(p.FPS)
	frame := image.NewYCbCr(image.Rect(0, 0, p.Width, p.Height), image.YCbCrSubsampleRatio420)
	var lastSeq uint64
	for n := int64(0); ; n++ {
		t := start.Add(time.Duration(n * int64(time.Second) / fps))
		if skip := p.behind(t, time.Second/time.Duration(fps)); skip > 0 {
			p.Logger.Warn("video fell behind, skipping frames", "frames", skip)
			n += skip
			t = start.Add(time.Duration(n * int64(time.Second) / fps))
		}
		if err := sleepUntil(ctx, p.now, t); err != nil {
			return nil
		}
		img, seq := p.picture(t, frame)
		if seq != 0 && seq != lastSeq {
			lastSeq = seq
			p.framesIn.Add(1)
		}
		au, err := p.videoEnc.Encode(img)
		if err != nil {
			return fmt.Errorf("encoding video: %w", err)
		}
		if len(au) == 0 {
			continue
		}
		p.framesOut.Add(1)
		for _, u := range au {
			p.videoBytes.Add(uint64(len(u)))
		}
		pts := n * 90000 / fps
		emit(Sample{Track: p.video, PTS: pts, DTS: pts, NTP: t, Units: au})
	}
}

// picture returns what to show at t: the input's newest picture (copied
// into frame) and its sequence number, or the slate saying why there is
// none. It is only called from the video goroutine.
func (p *Pipeline) picture(t time.Time, frame *image.YCbCr) (*image.YCbCr, uint64) {
	vin, _ := p.inputs()
	return pictureOf(vin, t, frame, p.slate)
}

func pictureOf(vin VideoInput, t time.Time, frame *image.YCbCr, s *slate) (*image.YCbCr, uint64) {
	if vin == nil {
		return s.draw(t, "No camera", "llcast is streaming sound only"), 0
	}
	st := vin.Status()
	switch st.State {
	case StateLost:
		return s.draw(t, "Camera lost", st.Name+" - retrying"), 0
	case StateOK:
		if seq, ok := vin.Frame(t, frame); ok {
			return frame, seq
		}
	}
	return s.draw(t, "Starting camera", st.Name), 0
}

// runAudio encodes one frame of the input's sound (or silence) per frame
// length. PTS counts samples from the shared start, moved back by the codec
// delay so that sound and picture captured together play together.
func (p *Pipeline) runAudio(ctx context.Context, start time.Time, emit Emit) error {
	rate := int64(p.audio.SampleRate)
	frameSamples := int64(p.audioEnc.FrameSamples())
	buf := make([]int16, frameSamples*int64(p.audio.Channels))
	frameLen := time.Duration(frameSamples * int64(time.Second) / rate)
	at := func(k int64) time.Time {
		return start.Add(time.Duration(k * frameSamples * int64(time.Second) / rate))
	}
	for k := int64(0); ; k++ {
		// A frame is taken once the input has it all: its last sample
		// was due, and the input's margin has passed.
		_, ain := p.inputs()
		var margin time.Duration
		if ain != nil {
			margin = ain.Margin()
		}
		if skip := p.behind(at(k).Add(frameLen+margin), frameLen); skip > 0 {
			p.Logger.Warn("audio fell behind, skipping frames", "frames", skip)
			k += skip
		}
		t := at(k)
		if err := sleepUntil(ctx, p.now, t.Add(frameLen+margin)); err != nil {
			return nil
		}
		_, ain = p.inputs()
		if ain == nil || ain.Status().State != StateOK || !ain.Read(t, buf) {
			clear(buf)
		}
		pkt, err := p.audioEnc.Encode(buf)
		if err != nil {
			return fmt.Errorf("encoding audio: %w", err)
		}
		if len(pkt) == 0 {
			continue
		}
		p.audioBytes.Add(uint64(len(pkt)))
		pts := k*frameSamples - int64(p.audioEnc.Delay())
		emit(Sample{Track: p.audio, PTS: pts, DTS: pts, NTP: t, Units: [][]byte{pkt}})
	}
}

// behind returns how many ticks of length step to skip when the machine
// has fallen more than a second behind due, rather than streaming ever later.
func (p *Pipeline) behind(due time.Time, step time.Duration) int64 {
	late := p.now().Sub(due)
	if late <= time.Second {
		return 0
	}
	return int64(late / step)
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
