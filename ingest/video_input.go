package ingest

import (
	"fmt"
	"image"
	"sync"
	"time"
)

// VideoInput is what a Pipeline takes pictures from. Its methods are
// called from the pipeline's video goroutine while other goroutines may
// call Status and Close; they must not block.
type VideoInput interface {
	// Frame copies the newest picture into dst (the pipeline's size, 4:2:0)
	// and returns its sequence number, which changes with every new
	// picture; ok is false when there is no picture yet. t is when the
	// picture will be shown.
	Frame(t time.Time, dst *image.YCbCr) (seq uint64, ok bool)
	Status() InputStatus
	// Close releases the input; Frame may still be called and return false.
	Close()
}

// TestVideo is the built-in test picture: scrolling colour bars, a wall
// clock and the timestamp strip (README "How it works"), drawn for the
// time each frame is shown.
type TestVideo struct {
	mu      sync.Mutex // guards pattern and seq (Frame may race with a switch)
	pattern *testPattern
	seq     uint64
}

// NewTestVideo returns the test picture at width×height.
func NewTestVideo(width, height int) (*TestVideo, error) {
	if width < StripSquares*StripSquareSize || height < 8*StripSquareSize {
		return nil, fmt.Errorf("invalid test picture size %dx%d: the timestamp strip needs at least %dx%d",
			width, height, StripSquares*StripSquareSize, 8*StripSquareSize)
	}
	return &TestVideo{pattern: newTestPattern(width, height)}, nil
}

// Frame draws the picture for t into dst.
func (v *TestVideo) Frame(t time.Time, dst *image.YCbCr) (uint64, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !copyYCbCr(dst, v.pattern.draw(t)) {
		return 0, false
	}
	v.seq++
	return v.seq, true
}

// Status is always ok.
func (v *TestVideo) Status() InputStatus {
	return InputStatus{Kind: InputTest, Name: "test pattern", State: StateOK}
}

// Close does nothing: the test picture holds no resources.
func (v *TestVideo) Close() {}

// copyYCbCr copies src into dst when both are 4:2:0 pictures of one size.
func copyYCbCr(dst, src *image.YCbCr) bool {
	if dst.Rect != src.Rect || dst.SubsampleRatio != image.YCbCrSubsampleRatio420 ||
		src.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return false
	}
	w, h := src.Rect.Dx(), src.Rect.Dy()
	for y := 0; y < h; y++ {
		copy(dst.Y[y*dst.YStride:y*dst.YStride+w], src.Y[y*src.YStride:])
	}
	cw, ch := (w+1)/2, (h+1)/2
	for y := 0; y < ch; y++ {
		copy(dst.Cb[y*dst.CStride:y*dst.CStride+cw], src.Cb[y*src.CStride:])
		copy(dst.Cr[y*dst.CStride:y*dst.CStride+cw], src.Cr[y*src.CStride:])
	}
	return true
}
