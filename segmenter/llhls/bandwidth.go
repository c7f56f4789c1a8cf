package llhls

import (
	"math"
	"time"
)

// measuredSegment is what a player downloads for one media sequence
// number: the segment of every playlist played together.
type measuredSegment struct {
	size     int // bytes, all playlists
	duration time.Duration
	ok       bool // false when a playlist lacks it: it breaks a run
}

// bitrates returns BANDWIDTH and AVERAGE-BANDWIDTH for the playlists
// played together (RFC 8216bis 4.4.6.2, Apple HLS authoring 9.13, 1.28),
// from the segments listed now, lined up by media sequence number.
func (m *Muxer) bitrates() (peak, avg int) {
	lead := m.playlists[0]
	segs := make([]measuredSegment, len(lead.segments))
	for i, s := range lead.segments {
		segs[i] = measuredSegment{size: s.file.size, duration: s.duration, ok: true}
		for _, pl := range m.playlists[1:] {
			j := s.msn - pl.segments[0].msn
			if j < 0 || j >= len(pl.segments) {
				segs[i].ok = false
				break
			}
			segs[i].size += pl.segments[j].file.size
		}
	}
	return bitrates(segs, time.Duration(m.target)*time.Second)
}

// bitrates returns the peak and the average bit rate of segs, rounded up.
// The peak is RFC 8216bis' peak segment bit rate, the highest of any run
// of consecutive segments lasting 0.5 to 1.5 target durations, and at
// least that of any one segment.
func bitrates(segs []measuredSegment, target time.Duration) (peak, avg int) {
	var best, bits float64
	var total time.Duration
	for i, s := range segs {
		if !s.ok || s.duration <= 0 {
			continue
		}
		bits += float64(s.size * 8)
		total += s.duration
		var size int
		var dur time.Duration
		for j := i; j < len(segs) && segs[j].ok; j++ {
			size += segs[j].size
			dur += segs[j].duration
			if j > i && dur > target*3/2 {
				break
			}
			if j == i || dur >= target/2 {
				best = max(best, float64(size*8)/dur.Seconds())
			}
		}
	}
	if total <= 0 {
		return 0, 0
	}
	return int(math.Ceil(best)), int(math.Ceil(bits / total.Seconds()))
}
