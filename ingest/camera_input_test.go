package ingest

import (
	"errors"
	"image"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeDevice plays a device's life: it delivers frames, fails ("unplugged"),
// cannot be opened while gone, then comes back.
type fakeDevice struct {
	mu       sync.Mutex
	gone     bool
	opens    int
	failNext bool // the next read fails, as when the cable is pulled
	stuck    bool // reads block until close, as a hung driver
}

func (f *fakeDevice) set(change func(*fakeDevice)) {
	f.mu.Lock()
	change(f)
	f.mu.Unlock()
}

func (f *fakeDevice) open(deliver func() error) (deviceReader, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.gone {
		return nil, errors.New("no such device")
	}
	f.opens++
	closed := make(chan struct{})
	var once sync.Once
	return funcReader{
		readFn: func() error {
			select {
			case <-closed:
				return errors.New("closed")
			case <-time.After(10 * time.Millisecond):
			}
			f.mu.Lock()
			fail, stuck := f.failNext, f.stuck
			f.failNext = false
			f.mu.Unlock()
			if fail {
				return errors.New("device unplugged")
			}
			if stuck {
				<-closed
				return errors.New("closed")
			}
			return deliver()
		},
		closeFn: func() error { once.Do(func() { close(closed) }); return nil },
	}, nil
}

// funcReader is a deviceReader made of functions.
type funcReader struct {
	readFn, closeFn func() error
}

func (r funcReader) read() error  { return r.readFn() }
func (r funcReader) close() error { return r.closeFn() }

func waitState(t *testing.T, in interface{ Status() InputStatus }, want InputState) InputStatus {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		st := in.Status()
		if st.State == want {
			return st
		}
		if time.Now().After(deadline) {
			t.Fatalf("state is %+v, want %s", st, want)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// TestCameraLossShowsSlateAndResumes unplugs a fake camera under a running
// pipeline: the stream goes on with the slate and the camera's picture
// returns when the device does.
func TestCameraLossShowsSlateAndResumes(t *testing.T) {
	const luma = 99
	picture := image.NewYCbCr(image.Rect(0, 0, 1280, 720), image.YCbCrSubsampleRatio420)
	for i := range picture.Y {
		picture.Y[i] = luma
	}
	dev := &fakeDevice{}
	open := func(store func(image.Image) error) (deviceReader, error) {
		return dev.open(func() error { return store(picture) })
	}
	cam := newCameraInput("Fake Cam", 1280, 720, open, 50*time.Millisecond, 300*time.Millisecond, slog.New(slog.DiscardHandler))
	p := startPipeline(t, Encoding{})
	p.SetVideo(cam)
	// What the pipeline would show, drawn apart from the running pipeline
	// (its slate and frame belong to its video goroutine).
	frame := image.NewYCbCr(picture.Rect, picture.SubsampleRatio)
	ownSlate := newSlate(1280, 720)
	shows := func(want uint8) {
		t.Helper()
		img, _ := pictureOf(cam, time.Now(), frame, ownSlate)
		if got := img.Y[0]; got != want {
			t.Fatalf("picture luma %d, want %d (camera %d, slate %d)", got, want, luma, slateGrey)
		}
	}

	var lostAt, backAt time.Duration
	samples := runFor(t, p, 2*time.Second, func(el time.Duration) {
		switch {
		case el > 400*time.Millisecond && lostAt == 0:
			waitState(t, cam, StateOK)
			shows(luma)
			dev.set(func(d *fakeDevice) { d.failNext, d.gone = true, true })
			if st := waitState(t, cam, StateLost); st.Error == "" || st.Name != "Fake Cam" {
				t.Errorf("lost status %+v", st)
			}
			shows(slateGrey)
			lostAt = el
		case el > 900*time.Millisecond && backAt == 0:
			returned := time.Now()
			dev.set(func(d *fakeDevice) { d.gone = false })
			waitState(t, cam, StateOK)
			shows(luma)
			backAt = el
			t.Logf("picture back %v after the device returned (retry interval 50 ms here, 2 s in llcast)",
				time.Since(returned).Round(time.Millisecond))
		}
	})
	if lostAt == 0 || backAt == 0 {
		t.Fatal("the scenario did not run")
	}
	checkFrameGrid(t, samples)
	var prev int64
	for _, s := range samples {
		if s.Track.IsVideo() {
			prev = s.PTS
		}
	}
	if prev < 3000*30 {
		t.Fatalf("stream stopped: last video PTS %d after 2 s", prev)
	}
	if dev.opens < 2 {
		t.Fatalf("camera opened %d times, want a reopen", dev.opens)
	}
}

// TestCameraStallIsALoss covers a camera that stops delivering without an
// error: the stall timeout closes and reopens it.
func TestCameraStallIsALoss(t *testing.T) {
	picture := image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)
	dev := &fakeDevice{}
	open := func(store func(image.Image) error) (deviceReader, error) {
		return dev.open(func() error { return store(picture) })
	}
	cam := newCameraInput("Stuck Cam", 64, 64, open, 50*time.Millisecond, 200*time.Millisecond, slog.New(slog.DiscardHandler))
	defer cam.Close()
	waitState(t, cam, StateOK)
	dev.set(func(d *fakeDevice) { d.stuck = true })
	st := waitState(t, cam, StateLost)
	if !strings.Contains(st.Error, errStalled.Error()) {
		t.Fatalf("status %+v", st)
	}
	dev.set(func(d *fakeDevice) { d.stuck = false })
	waitState(t, cam, StateOK)
}

func TestPlaceCentredLetterboxes(t *testing.T) {
	dst := newBlackFrame(1280, 720)
	src := image.NewYCbCr(image.Rect(0, 0, 960, 720), image.YCbCrSubsampleRatio420)
	for i := range src.Y {
		src.Y[i] = 200
	}
	placeCentred(dst, src)
	if dst.Y[360*dst.YStride+100] != stripBlack || dst.Y[360*dst.YStride+640] != 200 || dst.Y[360*dst.YStride+1200] != stripBlack {
		t.Fatal("a 4:3 picture is not pillarboxed in the middle of 16:9")
	}
	for _, c := range []struct{ w, h, mw, mh, ww, wh int }{
		{640, 480, 1280, 720, 960, 720},
		{1920, 1080, 1280, 720, 1280, 720},
		{1280, 1024, 1280, 720, 900, 720},
		{2560, 720, 1280, 720, 1280, 360},
	} {
		if w, h := fitSize(c.w, c.h, c.mw, c.mh); w != c.ww || h != c.wh {
			t.Errorf("fitSize(%d×%d in %d×%d) = %d×%d, want %d×%d", c.w, c.h, c.mw, c.mh, w, h, c.ww, c.wh)
		}
	}
}
