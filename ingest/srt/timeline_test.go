package srt

import (
	"testing"
	"time"
)

func TestRescale(t *testing.T) {
	for _, c := range []struct{ v, from, to, want int64 }{
		{0, 90000, 48000, 0},
		{1920, 90000, 48000, 1024},
		{-3000, 90000, 48000, -1600},
		{1024, 48000, 90000, 1920},
		{-1600, 48000, 90000, -3000},
		{1024, 44100, 90000, 2090}, // 2089.8
		{2090, 90000, 44100, 1024}, // and back
		{-1, 90000, 44100, 0},      // -0.49
		{-2, 90000, 44100, -1},     // -0.98
		{3000, 90000, 90000, 3000},
		{1 << 40, 90000, 96000, 1172812402961}, // 2^40 · 96000 would overflow unsplit
	} {
		if got := rescale(c.v, c.from, c.to); got != c.want {
			t.Errorf("rescale(%d, %d, %d) = %d, want %d", c.v, c.from, c.to, got, c.want)
		}
	}
}

func TestTimelineUnwrapsAndSharesOneClock(t *testing.T) {
	var tl timeline
	start := int64(tsMask - 900) // 10 ms before the 33-bit wrap
	first := tl.unwrap(start)
	now := time.Now()
	tl.start(first, now)
	// Audio 20 ms later, after the wrap, on a 48 kHz clock.
	audio := tl.unwrap((start + 1800) & tsMask)
	if got := tl.at(audio, 48000); got != 960 {
		t.Errorf("audio at %d, want 960", got)
	}
	// Video 1 s later.
	video := tl.unwrap((start + 90000) & tsMask)
	if got := tl.at(video, 90000); got != 90000 {
		t.Errorf("video at %d, want 90000", got)
	}
	// Arriving late, a sample keeps to its timestamp; arriving earlier
	// than its timestamp says, it moves the anchor back to its arrival.
	ms := time.Millisecond
	for _, c := range []struct {
		v, rate       int64
		arrives, want time.Duration
	}{
		{960, 48000, 50 * ms, 20 * ms},
		{90000, 90000, 900 * ms, 900 * ms},
		{93000, 90000, 950 * ms, 93000*time.Second/90000 - 100*ms},
	} {
		if got := tl.wallClock(c.v, int(c.rate), now.Add(c.arrives)); !got.Equal(now.Add(c.want)) {
			t.Errorf("sample at %d/%d arriving at +%v: wall clock +%v, want +%v", c.v, c.rate, c.arrives, got.Sub(now), c.want)
		}
	}
}

func TestPTSDelta(t *testing.T) {
	for _, c := range []struct{ pts, dts, want int64 }{
		{3000, 0, 3000},
		{100, tsMask - 99, 200}, // PTS past the wrap, DTS before it
		{0, 3000, 0},            // PTS before DTS: clamped
	} {
		if got := ptsDelta(c.pts, c.dts); got != c.want {
			t.Errorf("ptsDelta(%d, %d) = %d, want %d", c.pts, c.dts, got, c.want)
		}
	}
}
