package ingest

import (
	"testing"
	"time"
)

func TestStripRoundTrip(t *testing.T) {
	p := newTestPattern(1280, 720)
	for _, ms := range []int64{0, 1, 1_795_000_000_123, 1<<44 - 1} {
		img := p.draw(time.UnixMilli(ms))
		got, ok := readStrip(func(x, y int) uint8 { return img.Y[y*img.YStride+x] })
		if !ok || got != ms {
			t.Errorf("strip of %d reads %d (ok=%v)", ms, got, ok)
		}
	}
}

func TestStripLayout(t *testing.T) {
	// README "How it works": square i at x = 16·i, y = 0 is white when bit 43−i is set.
	img := newTestPattern(1280, 720).draw(time.UnixMilli(1 << 43))
	if v := img.Y[0*img.YStride+8]; v < 200 {
		t.Fatalf("square 0 luma %d, want white for bit 43", v)
	}
	for i := 1; i < StripSquares; i++ {
		if v := img.Y[15*img.YStride+16*i+15]; v > 50 {
			t.Fatalf("square %d luma %d, want black", i, v)
		}
	}
}

func TestPatternMovesAndShowsClock(t *testing.T) {
	p := newTestPattern(1280, 720)
	a := append([]uint8(nil), p.draw(time.Unix(0, 0)).Y...)
	b := append([]uint8(nil), p.draw(time.Unix(0, 0)).Y...)
	moved := 0
	for i := 400 * 1280; i < 401*1280; i++ { // a row below the clock
		if a[i] != b[i] {
			moved++
		}
	}
	if moved == 0 {
		t.Fatal("the pattern does not move between frames")
	}
	c := p.draw(time.Unix(5, 0)).Y
	clockDiff := 0
	for y := 320; y < 400; y++ {
		for x := 380; x < 900; x++ {
			if b[y*1280+x] != c[y*1280+x] && (b[y*1280+x] == stripWhite || c[y*1280+x] == stripWhite) {
				clockDiff++
			}
		}
	}
	if clockDiff == 0 {
		t.Fatal("the clock does not change with the time")
	}
}

func TestToneBeepsOnTheSecond(t *testing.T) {
	g := tone{sampleRate: 48000, channels: 2}
	buf := make([]int16, 2*4800) // 100 ms
	loud := func(t0 time.Time) int {
		g.fill(buf, t0)
		peak := 0
		for _, s := range buf {
			if int(s) > peak {
				peak = int(s)
			}
		}
		return peak
	}
	beep, quiet := loud(time.Unix(10, 0)), loud(time.Unix(10, 500_000_000))
	if beep < 3*quiet {
		t.Fatalf("beep peak %d vs tone peak %d: the beep must stand out", beep, quiet)
	}
}
