package file

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// fakeClock is a wall clock that jumps ahead when the loop waits.
type fakeClock struct {
	t      time.Time
	waited time.Duration
}

func (c *fakeClock) now() time.Time { return c.t }

func (c *fakeClock) after(d time.Duration) <-chan time.Time {
	c.t = c.t.Add(d)
	c.waited += d
	ch := make(chan time.Time, 1)
	ch <- c.t
	return ch
}

func TestLoop(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"mp4", join(h264Args, aacArgs, []string{"-f", "mp4"})},
		{"ts", join(h264Args, aacArgs, []string{"-f", "mpegts"})},
		{"audio only", []string{"-map", "1:a", "-c:a", "aac", "-f", "mp4"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &fakeClock{t: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)}
			l := &Loop{Path: media(t, "clip", 1.5, tc.args...), Logger: quiet, now: clock.now, after: clock.after}
			if err := l.Start(); err != nil {
				t.Fatal(err)
			}
			defer l.Close()
			period := toDuration(l.period, int(l.clock))
			if period < 1400*time.Millisecond || period > 1600*time.Millisecond {
				t.Fatalf("loop period %v, want about 1.5s", period)
			}
			start := clock.t
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			type last struct {
				dts, dur int64
			}
			prev := map[*ingest.Track]last{}
			var lastNTP time.Time
			n := 0
			err := l.Run(ctx, func(s ingest.Sample) {
				n++
				if s.NTP.After(clock.t) {
					t.Errorf("sample for %v emitted at %v", s.NTP, clock.t)
				}
				if want := start.Add(toDuration(s.DTS, s.Track.ClockRate)); !s.NTP.Equal(want) {
					t.Errorf("NTP %v, want %v", s.NTP, want)
				}
				if s.NTP.Before(lastNTP) {
					t.Errorf("NTP %v after %v: tracks are not interleaved by time", s.NTP, lastNTP)
				}
				lastNTP = s.NTP
				frame := int64(s.Track.ClockRate / 30)
				if !s.Track.IsVideo() {
					frame = 1024
				}
				if p, ok := prev[s.Track]; ok {
					if s.DTS <= p.dts {
						t.Fatalf("%s DTS %d after %d", s.Track.Codec, s.DTS, p.dts)
					}
					if gap := s.DTS - p.dts; gap > 2*frame {
						t.Errorf("%s DTS jumps by %d ticks (%v)", s.Track.Codec, gap, toDuration(gap, s.Track.ClockRate))
					}
				}
				prev[s.Track] = last{dts: s.DTS}
				if s.NTP.Sub(start) > 3*period+period/2 {
					cancel()
				}
			})
			if err != nil {
				t.Fatal(err)
			}
			if clock.waited < 3*period {
				t.Errorf("the loop waited %v, want over three loops of %v", clock.waited, period)
			}
			if n < 3*40 {
				t.Errorf("%d samples in three loops", n)
			}
		})
	}
}

// Run stops when its context is done, however long the next wait.
func TestLoopStops(t *testing.T) {
	l := &Loop{Path: media(t, "clip.mp4", 1, join(h264Args, aacArgs)...), Logger: quiet}
	if err := l.Start(); err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	n := 0
	err := l.Run(ctx, func(ingest.Sample) {
		n++
		cancel()
	})
	if err != nil || n != 1 {
		t.Fatalf("Run = %v after %d samples, want nil after 1", err, n)
	}
}

func TestLoopStartErrors(t *testing.T) {
	for _, tc := range []struct {
		name, path, want string
		unsupported      bool
	}{
		{"no path", "", "Path is empty", false},
		{"mpeg4", "mpeg4", "video codec MPEG-4 Visual is not supported", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path
			if path != "" {
				path = media(t, "clip.mp4", 1, "-c:v", "mpeg4", "-an")
			}
			l := &Loop{Path: path, Logger: quiet}
			err := l.Start()
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.Is(err, ingest.ErrUnsupportedCodec) != tc.unsupported {
				t.Fatalf("Start = %v, want %q", err, tc.want)
			}
		})
	}
}
