package ingest

import (
	"errors"
	"fmt"
	"image"
	"io"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/pion/mediadevices/pkg/codec"
	"github.com/pion/mediadevices/pkg/codec/openh264"
	"github.com/pion/mediadevices/pkg/prop"
)

// H264Encoder encodes raw pictures into H.264 access units with the OpenH264
// library bundled by mediadevices, so no system codec package is needed.
type H264Encoder struct {
	// Width and Height of every picture. Required.
	Width, Height int
	// FPS is the frame rate the rate control plans for. It defaults to 30.
	FPS int
	// Bitrate in bit/s. It defaults to 2500000.
	Bitrate int
	// KeyframeInterval is the distance between IDR frames, in frames. It
	// defaults to FPS, one per second, so that every 1 s segment can start
	// with one.
	KeyframeInterval int

	enc     codec.ReadCloser
	pending image.Image
}

// Start fills in defaults, validates and opens the encoder.
func (e *H264Encoder) Start() error {
	if e.FPS == 0 {
		e.FPS = 30
	}
	if e.Bitrate == 0 {
		e.Bitrate = 2_500_000
	}
	if e.KeyframeInterval == 0 {
		e.KeyframeInterval = e.FPS
	}
	switch {
	case e.Width <= 0 || e.Height <= 0 || e.Width%2 != 0 || e.Height%2 != 0:
		return fmt.Errorf("invalid picture size %dx%d: width and height must be even and positive", e.Width, e.Height)
	case e.FPS < 1 || e.FPS > 120:
		return fmt.Errorf("invalid FPS %d: use 1 to 120", e.FPS)
	case e.Bitrate < 100_000:
		return fmt.Errorf("invalid Bitrate %d: use at least 100000 bit/s", e.Bitrate)
	case e.KeyframeInterval < 1:
		return fmt.Errorf("invalid KeyframeInterval %d: must be positive", e.KeyframeInterval)
	}

	params, err := openh264.NewParams()
	if err != nil {
		return fmt.Errorf("openh264: %w", err)
	}
	params.BitRate = e.Bitrate
	params.IntraPeriod = uint(e.KeyframeInterval)
	// A skipped frame would leave a hole in the steady frame clock the HLS
	// muxer needs for regular parts.
	params.EnableFrameSkip = false
	params.SliceMode = openh264.SMSingleSlice

	enc, err := params.BuildVideoEncoder(e, prop.Media{Video: prop.Video{
		Width: e.Width, Height: e.Height, FrameRate: float32(e.FPS),
	}})
	if err != nil {
		return fmt.Errorf("openh264: %w", err)
	}
	e.enc = enc
	return nil
}

// Read hands the picture given to Encode to OpenH264, which pulls its input.
func (e *H264Encoder) Read() (image.Image, func(), error) {
	if e.pending == nil {
		return nil, nil, io.ErrUnexpectedEOF
	}
	img := e.pending
	e.pending = nil
	return img, func() {}, nil
}

// Encode encodes one picture and returns its NAL units. It is not safe for
// concurrent use.
func (e *H264Encoder) Encode(img image.Image) ([][]byte, error) {
	if e.enc == nil {
		return nil, errors.New("h264 encoder is not started")
	}
	if b := img.Bounds(); b.Dx() != e.Width || b.Dy() != e.Height {
		return nil, fmt.Errorf("picture is %dx%d, encoder expects %dx%d", b.Dx(), b.Dy(), e.Width, e.Height)
	}
	e.pending = img
	buf, release, err := e.enc.Read()
	if err != nil {
		return nil, fmt.Errorf("openh264: %w", err)
	}
	defer release()
	if len(buf) == 0 {
		return nil, nil
	}
	var au h264.AnnexB
	if err := au.Unmarshal(buf); err != nil {
		return nil, fmt.Errorf("openh264 output: %w", err)
	}
	return au, nil
}

// ForceIDR makes the next picture an IDR frame, e.g. after a source switch.
func (e *H264Encoder) ForceIDR() {
	if e.enc != nil {
		_ = e.enc.Controller().(codec.KeyFrameController).ForceKeyFrame()
	}
}

// Close releases the encoder.
func (e *H264Encoder) Close() {
	if e.enc != nil {
		_ = e.enc.Close()
		e.enc = nil
	}
}
