package ingest

import (
	"fmt"
	"image"
	"log/slog"
	"math"
	"sync"
	"time"

	"github.com/pion/mediadevices/pkg/driver"
	"github.com/pion/mediadevices/pkg/io/video"
	"github.com/pion/mediadevices/pkg/prop"
)

// CameraInput delivers a camera's pictures, scaled to the pipeline's size
// (letterboxed when the aspect differs). A camera that fails or stops
// delivering is reopened every 2 s; meanwhile Status says StateLost and the
// pipeline shows a slate.
type CameraInput struct {
	loop deviceLoop

	mu     sync.Mutex // guards latest and seq
	latest *image.YCbCr
	seq    uint64
}

// OpenCamera starts reading dev at about width×height and fps. It returns
// at once; the camera opens in the background.
func OpenCamera(dev Device, width, height, fps int, log *slog.Logger) *CameraInput {
	open := func(store func(image.Image) error) (deviceReader, error) {
		return openV4L2(dev, width, height, fps, store)
	}
	return newCameraInput(dev.Name, width, height, open, 0, 0, log)
}

// newCameraInput reads a camera opened by open; tests pass fakes.
func newCameraInput(name string, width, height int, open func(store func(image.Image) error) (deviceReader, error),
	retry, stall time.Duration, log *slog.Logger,
) *CameraInput {
	c := &CameraInput{latest: newBlackFrame(width, height)}
	c.loop = deviceLoop{
		kind: KindCamera, name: name, log: log, retry: retry, stall: stall,
		open: func() (deviceReader, error) { return open(c.store) },
	}
	c.loop.start()
	return c
}

func newBlackFrame(width, height int) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, width, height), image.YCbCrSubsampleRatio420)
	for i := range img.Y {
		img.Y[i] = stripBlack
	}
	for i := range img.Cb {
		img.Cb[i], img.Cr[i] = 128, 128
	}
	return img
}

// store copies a picture in, centred; it is called by the reading
// goroutine before the driver reuses the picture's memory.
func (c *CameraInput) store(img image.Image) error {
	src, ok := img.(*image.YCbCr)
	if !ok || src.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return fmt.Errorf("camera delivers %T, want 4:2:0 Y'CbCr", img)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	placeCentred(c.latest, src)
	c.seq++
	return nil
}

// Frame copies the newest picture into dst.
func (c *CameraInput) Frame(_ time.Time, dst *image.YCbCr) (uint64, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seq == 0 || !copyYCbCr(dst, c.latest) {
		return 0, false
	}
	return c.seq, true
}

// Status reports whether the camera delivers.
func (c *CameraInput) Status() InputStatus { return c.loop.status(InputDevice) }

// Close stops reading and releases the camera.
func (c *CameraInput) Close() { c.loop.stop() }

// placeCentred copies src into the middle of dst, cropping what does not
// fit; both are 4:2:0. Borders keep what dst had (black).
func placeCentred(dst, src *image.YCbCr) {
	w, h := min(dst.Rect.Dx(), src.Rect.Dx()), min(dst.Rect.Dy(), src.Rect.Dy())
	// Even offsets keep chroma aligned.
	dx, dy := (dst.Rect.Dx()-w)/4*2, (dst.Rect.Dy()-h)/4*2
	sx, sy := (src.Rect.Dx()-w)/4*2, (src.Rect.Dy()-h)/4*2
	for y := 0; y < h; y++ {
		copy(dst.Y[(dy+y)*dst.YStride+dx:][:w], src.Y[(sy+y)*src.YStride+sx:])
	}
	for y := 0; y < h/2; y++ {
		copy(dst.Cb[(dy/2+y)*dst.CStride+dx/2:][:w/2], src.Cb[(sy/2+y)*src.CStride+sx/2:])
		copy(dst.Cr[(dy/2+y)*dst.CStride+dx/2:][:w/2], src.Cr[(sy/2+y)*src.CStride+sx/2:])
	}
}

// v4l2Reader reads a camera through mediadevices.
type v4l2Reader struct {
	drv    driver.Driver
	reader video.Reader
	store  func(image.Image) error
}

// openV4L2 opens dev in the mode closest to width×height@fps and scales
// its pictures to fit width×height, keeping their aspect.
func openV4L2(dev Device, width, height, fps int, store func(image.Image) error) (deviceReader, error) {
	d := dev.drv
	if d == nil {
		return nil, fmt.Errorf("camera %q has no driver", dev.Name)
	}
	if err := d.Open(); err != nil {
		return nil, fmt.Errorf("opening camera %q: %w", dev.Name, err)
	}
	mode, ok := bestMode(d.Properties(), width, height, fps)
	if !ok {
		_ = d.Close()
		return nil, fmt.Errorf("camera %q offers no video mode", dev.Name)
	}
	r, err := d.(driver.VideoRecorder).VideoRecord(mode)
	if err != nil {
		_ = d.Close()
		return nil, fmt.Errorf("starting camera %q at %dx%d: %w", dev.Name, mode.Width, mode.Height, err)
	}
	r = video.ToI420(r)
	if fw, fh := fitSize(mode.Width, mode.Height, width, height); fw != mode.Width || fh != mode.Height {
		r = video.Scale(fw, fh, nil)(r)
	}
	return &v4l2Reader{drv: d, reader: r, store: store}, nil
}

func (v *v4l2Reader) read() error {
	img, release, err := v.reader.Read()
	if err != nil {
		return err
	}
	defer release()
	return v.store(img)
}

func (v *v4l2Reader) close() error { return v.drv.Close() }

// fitSize scales w×h to fit in maxW×maxH keeping the aspect, in even
// numbers.
func fitSize(w, h, maxW, maxH int) (int, int) {
	if w <= 0 || h <= 0 {
		return maxW, maxH
	}
	if w*maxH > h*maxW { // wider than the frame
		return maxW, max(2, h*maxW/w/2*2)
	}
	return max(2, w*maxH/h/2*2), maxH
}

// bestMode picks the camera mode closest to the wanted size, preferring
// the wanted frame rate.
func bestMode(modes []prop.Media, w, h, fps int) (prop.Media, bool) {
	best, bestScore := prop.Media{}, math.Inf(1)
	for _, m := range modes {
		score := math.Abs(float64(m.Width*m.Height-w*h)) + math.Abs(float64(m.FrameRate)-float64(fps))*1000
		if m.FrameRate == 0 {
			score += 500
		}
		if score < bestScore {
			best, bestScore = m, score
		}
	}
	return best, !math.IsInf(bestScore, 1)
}
