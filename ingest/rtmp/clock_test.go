package rtmp

import (
	"math"
	"testing"
	"time"
)

func TestTicks(t *testing.T) {
	cases := []struct {
		d    time.Duration
		rate int
		want int64
	}{
		{0, 90000, 0},
		{time.Millisecond, 90000, 90},
		{33 * time.Millisecond, 90000, 2970},
		{time.Second, 48000, 48000},
		{23 * time.Millisecond, 44100, 1014}, // 1014.3 rounds down
		{-time.Millisecond, 44100, -45},      // -44.1 rounds down too
		{49*24*time.Hour + 17*time.Hour, 90000, (49*24 + 17) * 3600 * 90000},
		{math.MaxInt64, 90000, 9223372036*90000 + 76929}, // no overflow
	}
	for _, c := range cases {
		if got := ticks(c.d, c.rate); got != c.want {
			t.Errorf("ticks(%s, %d) = %d, want %d", c.d, c.rate, got, c.want)
		}
	}
}

func TestDuration(t *testing.T) {
	cases := []struct {
		n    int64
		rate int
		want time.Duration
	}{
		{0, 90000, 0},
		{3000, 90000, 33 * time.Millisecond}, // 33.33 ms
		{6000, 90000, 67 * time.Millisecond}, // 66.67 ms
		{1024, 48000, 21 * time.Millisecond}, // 21.33 ms
		{1024, 44100, 23 * time.Millisecond}, // 23.22 ms
		{45, 90000, time.Millisecond},        // 0.5 ms rounds up
		{90000 * 3600 * 24 * 60, 90000, 60 * 24 * time.Hour},
		{-3000, 90000, -33 * time.Millisecond},
	}
	for _, c := range cases {
		if got := duration(c.n, c.rate); got != c.want {
			t.Errorf("duration(%d, %d) = %s, want %s", c.n, c.rate, got, c.want)
		}
	}
}

func TestTrackClockStamp(t *testing.T) {
	base := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	now := base
	clk := &clock{now: func() time.Time { return now }}
	video, audio := clk.track(90000), clk.track(48000)
	ms := time.Millisecond
	steps := []struct {
		name             string
		at               time.Duration // when it arrives, after base
		tc               *trackClock
		pts, dts         time.Duration
		wantPTS, wantDTS int64
		wantNTP          time.Duration // after base
	}{
		// The first sample anchors the wall clock: its DTS is now.
		{"first", 0, video, 100 * ms, 40 * ms, 9000, 3600, 0},
		{"audio on the same clock", 0, audio, 20 * ms, 20 * ms, 960, 960, -20 * ms},
		{"B-frame", 33 * ms, video, 140 * ms, 73 * ms, 12600, 6570, 33 * ms},
		{"DTS going back is held", 40 * ms, video, 90 * ms, 50 * ms, 8100, 6570, 33 * ms},
		{"PTS before DTS is moved up", 40 * ms, video, 70 * ms, 80 * ms, 7200, 7200, 40 * ms},
		{"audio goes on", 41 * ms, audio, 41 * ms, 41 * ms, 1968, 1968, ms},
		// Samples that come earlier than their times say (the first ones
		// came late, held in a buffer) move the anchor back: NTP is never
		// after the arrival.
		{"early", 50 * ms, video, 180 * ms, 180 * ms, 16200, 16200, 50 * ms},
		{"then in step", 83 * ms, video, 213 * ms, 213 * ms, 19170, 19170, 83 * ms},
		{"late: NTP keeps to the timestamps", 200 * ms, video, 246 * ms, 246 * ms, 22140, 22140, 116 * ms},
		// An audio sample far ahead moves the anchor back; video's wall
		// clock does not go back for it.
		{"audio far ahead", 210 * ms, audio, 600 * ms, 600 * ms, 28800, 28800, 210 * ms},
		{"video holds its wall clock", 220 * ms, video, 279 * ms, 279 * ms, 25110, 25110, 116 * ms},
	}
	for _, s := range steps {
		now = base.Add(s.at)
		pts, dts, ntp := s.tc.stamp(s.pts, s.dts)
		if pts != s.wantPTS || dts != s.wantDTS || !ntp.Equal(base.Add(s.wantNTP)) {
			t.Errorf("%s: stamp(%s, %s) = %d, %d, %s; want %d, %d, %s", s.name, s.pts, s.dts,
				pts, dts, ntp.Sub(base), s.wantPTS, s.wantDTS, s.wantNTP)
		}
	}
}
