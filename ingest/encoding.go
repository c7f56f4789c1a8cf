package ingest

import "log/slog"

// Encoding holds what a Pipeline encodes with.
type Encoding struct {
	// Width and Height of the picture (asked of a camera). They default to 1280x720.
	Width, Height int
	// FPS is the frame rate. It defaults to 30.
	FPS int
	// VideoBitrate in bit/s. It defaults to 2500000.
	VideoBitrate int
	// KeyframeInterval in frames. It defaults to FPS (one IDR per second).
	KeyframeInterval int
	// AudioCodec is CodecAAC or CodecOpus. It defaults to CodecAAC.
	AudioCodec Codec
	// AudioBitrate in bit/s. It defaults to 128000.
	AudioBitrate int
	// Logger. It defaults to slog.Default().
	Logger *slog.Logger
}

// SetDefaults fills in the zero fields.
func (e *Encoding) SetDefaults() {
	if e.Width == 0 && e.Height == 0 {
		e.Width, e.Height = 1280, 720
	}
	if e.FPS == 0 {
		e.FPS = 30
	}
	if e.AudioCodec == "" {
		e.AudioCodec = CodecAAC
	}
	if e.Logger == nil {
		e.Logger = slog.Default()
	}
}

// newVideoEncoder opens an H.264 encoder for pictures of w×h.
func (e *Encoding) newVideoEncoder(w, h int) (*H264Encoder, *Track, error) {
	enc := &H264Encoder{Width: w, Height: h, FPS: e.FPS, Bitrate: e.VideoBitrate, KeyframeInterval: e.KeyframeInterval}
	if err := enc.Start(); err != nil {
		return nil, nil, err
	}
	return enc, &Track{Codec: CodecH264, ClockRate: 90000, Width: w, Height: h, FPS: e.FPS, ConstantRate: true}, nil
}
