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
	// Bitrate (bit/s) and FPS over the last whole second: what the
	// publisher sent. VideoBitrate and AudioBitrate split Bitrate by
	// track; FPSOut counts the video frames that went on to the stream.
	Bitrate                    int64
	VideoBitrate, AudioBitrate int64
	FPS, FPSOut                int
	// Dropped counts the samples the stream had no room for since it
	// went on the air (Stream.Dropped); 0 while it is off the air.
	Dropped uint64
	// KeyframeInterval is the time between the last two IDRs.
	KeyframeInterval time.Duration
	// Link is what the connection itself reports.
	Link ingest.LinkStats
}

// publisherMeter measures what a publisher sends, second by second. Its
// relay's mutex guards it.
type publisherMeter struct {
	second           time.Time // the second being counted
	now, last        meterCounts
	lastSecond       time.Time     // the one last counts
	lastIDR, prevIDR time.Duration // media times of the last two IDRs
	idrs             int
}

// meterCounts are what came in one second.
type meterCounts struct {
	video, audio      int64 // bytes
	frames, framesOut int
}

func (m *publisherMeter) add(s ingest.Sample, idr bool, now time.Time) {
	sec := now.Truncate(time.Second)
	if !sec.Equal(m.second) {
		m.last, m.lastSecond = m.now, m.second
		m.now, m.second = meterCounts{}, sec
	}
	var n int64
	for _, u := range s.Units {
		n += int64(len(u))
	}
	if s.Track.IsVideo() {
		m.now.video += n
		m.now.frames++
	} else {
		m.now.audio += n
	}
	if idr {
		m.prevIDR, m.lastIDR = m.lastIDR, s.Track.Duration(s.DTS)
		m.idrs++
	}
}

// wrote counts a sample that add counted, and the stream took.
func (m *publisherMeter) wrote(s ingest.Sample) {
	if s.Track.IsVideo() {
		m.now.framesOut++
	}
}

// rates returns what came in the last whole second, or zeros when
// nothing came in it.
func (m *publisherMeter) rates(now time.Time) meterCounts {
	if now.Truncate(time.Second).Sub(m.lastSecond) > time.Second {
		return meterCounts{}
	}
	return m.last
}

// keyframeInterval is the time between the last two IDRs, 0 before two.
func (m *publisherMeter) keyframeInterval() time.Duration {
	if m.idrs < 2 {
		return 0
	}
	return m.lastIDR - m.prevIDR
}
