package segmenter

import (
	"time"

	"github.com/llcast/llcast/ingest"
)

// PublisherStatus describes a stream's publisher for the studio.
type PublisherStatus struct {
	// Live says the stream is on the air: a publisher is connected, or
	// left less than the hub's Linger ago.
	Live bool
	// Connected says a publisher is connected; the fields below describe it.
	Connected bool
	Protocol  string
	Remote    string
	Since     time.Time
	// Bitrate (bit/s) and FPS over the last whole second.
	Bitrate int64
	FPS     int
	// KeyframeInterval is the time between the last two IDRs.
	KeyframeInterval time.Duration
	// Link is what the connection itself reports.
	Link ingest.LinkStats
}

// publisherMeter measures what a publisher sends, second by second. Its
// relay's mutex guards it.
type publisherMeter struct {
	second           time.Time // the second being counted
	bytes, frames    int64
	lastBytes        int64 // in the last whole second
	lastFrames       int
	lastSecond       time.Time
	lastIDR, prevIDR time.Duration // media times of the last two IDRs
	idrs             int
}

func (m *publisherMeter) add(s ingest.Sample, idr bool, now time.Time) {
	sec := now.Truncate(time.Second)
	if !sec.Equal(m.second) {
		m.lastBytes, m.lastFrames, m.lastSecond = m.bytes, int(m.frames), m.second
		m.bytes, m.frames, m.second = 0, 0, sec
	}
	for _, u := range s.Units {
		m.bytes += int64(len(u))
	}
	if s.Track.IsVideo() {
		m.frames++
	}
	if idr {
		m.prevIDR, m.lastIDR = m.lastIDR, s.Track.Duration(s.DTS)
		m.idrs++
	}
}

// rates returns the bitrate and frame rate of the last whole second, or
// zeros when nothing came in it.
func (m *publisherMeter) rates(now time.Time) (bitrate int64, fps int) {
	if now.Truncate(time.Second).Sub(m.lastSecond) > time.Second {
		return 0, 0
	}
	return m.lastBytes * 8, m.lastFrames
}

// keyframeInterval is the time between the last two IDRs, 0 before two.
func (m *publisherMeter) keyframeInterval() time.Duration {
	if m.idrs < 2 {
		return 0
	}
	return m.lastIDR - m.prevIDR
}
