package ingest

import (
	"errors"
	"fmt"
	"io"

	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/opus"
	"github.com/pion/mediadevices/pkg/prop"
	"github.com/pion/mediadevices/pkg/wave"
)

// OpusEncoder encodes interleaved 16-bit PCM into 20 ms Opus packets with
// the libopus bundled by mediadevices.
type OpusEncoder struct {
	// SampleRate in Hz. It defaults to 48000, the only rate HLS allows.
	SampleRate int
	// Channels (1 or 2). It defaults to 2.
	Channels int
	// Bitrate in bit/s. It defaults to 128000.
	Bitrate int

	enc     codec.ReadCloser
	pending *wave.Int16Interleaved
}

// Start fills in defaults, validates and opens the encoder.
func (e *OpusEncoder) Start() error {
	if e.SampleRate == 0 {
		e.SampleRate = 48000
	}
	if e.Channels == 0 {
		e.Channels = 2
	}
	if e.Bitrate == 0 {
		e.Bitrate = 128_000
	}
	switch {
	case e.SampleRate != 48000:
		return fmt.Errorf("invalid SampleRate %d: Opus in HLS needs 48000", e.SampleRate)
	case e.Channels != 1 && e.Channels != 2:
		return fmt.Errorf("invalid Channels %d: use 1 or 2", e.Channels)
	case e.Bitrate < 6000 || e.Bitrate > 510_000:
		return fmt.Errorf("invalid Bitrate %d: use 6000 to 510000 bit/s", e.Bitrate)
	}
	params, err := opus.NewParams()
	if err != nil {
		return fmt.Errorf("opus: %w", err)
	}
	params.BitRate = e.Bitrate
	params.Latency = opus.Latency20ms
	enc, err := params.BuildAudioEncoder(e, prop.Media{Audio: prop.Audio{
		SampleRate: e.SampleRate, ChannelCount: e.Channels,
	}})
	if err != nil {
		return fmt.Errorf("opus: %w", err)
	}
	e.enc = enc
	return nil
}

// FrameSamples is the number of samples per channel in one packet (20 ms).
func (e *OpusEncoder) FrameSamples() int { return e.SampleRate / 50 }

// Delay returns libopus's lookahead at 48 kHz (6.5 ms), in samples.
func (e *OpusEncoder) Delay() int { return 312 }

// Read hands the PCM given to Encode to libopus, which pulls its input.
func (e *OpusEncoder) Read() (wave.Audio, func(), error) {
	if e.pending == nil {
		return nil, nil, io.ErrUnexpectedEOF
	}
	chunk := e.pending
	e.pending = nil
	return chunk, func() {}, nil
}

// Encode encodes exactly FrameSamples()·Channels interleaved samples into
// one packet. It is not safe for concurrent use.
func (e *OpusEncoder) Encode(pcm []int16) ([]byte, error) {
	if e.enc == nil {
		return nil, errors.New("opus encoder is not started")
	}
	if len(pcm) != e.FrameSamples()*e.Channels {
		return nil, fmt.Errorf("got %d samples, want %d", len(pcm), e.FrameSamples()*e.Channels)
	}
	e.pending = &wave.Int16Interleaved{
		Data: pcm,
		Size: wave.ChunkInfo{Len: e.FrameSamples(), Channels: e.Channels, SamplingRate: e.SampleRate},
	}
	pkt, release, err := e.enc.Read()
	if err != nil {
		return nil, fmt.Errorf("opus: %w", err)
	}
	defer release()
	return append([]byte(nil), pkt...), nil
}

// Close releases the encoder.
func (e *OpusEncoder) Close() {
	if e.enc != nil {
		_ = e.enc.Close()
		e.enc = nil
	}
}
