package llhls

import (
	"testing"
	"time"
)

func TestBitrates(t *testing.T) {
	seg := func(size int, d time.Duration) measuredSegment {
		return measuredSegment{size: size, duration: d, ok: true}
	}
	cases := []struct {
		name          string
		segs          []measuredSegment
		target        time.Duration
		peak, average int
	}{
		{"none", nil, time.Second, 0, 0},
		{"one", []measuredSegment{seg(1000, time.Second)}, time.Second, 8000, 8000},
		{"the peak is one segment", []measuredSegment{seg(1000, time.Second), seg(3000, time.Second), seg(1000, time.Second)},
			time.Second, 24000, 13334},
		{"runs of short segments", []measuredSegment{
			seg(100, 400*time.Millisecond), seg(100, 400*time.Millisecond), seg(500, 400*time.Millisecond), seg(100, 400*time.Millisecond),
		}, time.Second, 10000, 4000},
		{"a missing segment breaks runs and the average", []measuredSegment{
			seg(100, 400*time.Millisecond), {}, seg(100, 400*time.Millisecond),
		}, time.Second, 2000, 2000},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			peak, avg := bitrates(tc.segs, tc.target)
			if peak != tc.peak || avg != tc.average {
				t.Errorf("peak %d, average %d; want %d, %d", peak, avg, tc.peak, tc.average)
			}
		})
	}
}
