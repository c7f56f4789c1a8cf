package segmenter

import (
	"sync"
	"time"

	"github.com/llcast/llcast/ingest"
)

// healthMeter turns the pipeline's counters, sampled once a second, into
// rates over the last interval.
type healthMeter struct {
	mu     sync.Mutex // guards everything below
	last   ingest.PipelineStats
	lastAt time.Time
	health Health
}

func (m *healthMeter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.last, m.lastAt, m.health = ingest.PipelineStats{}, time.Time{}, Health{}
}

func (m *healthMeter) sample(now time.Time, st ingest.PipelineStats, dropped uint64) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.lastAt.IsZero() {
		if secs := now.Sub(m.lastAt).Seconds(); secs > 0 {
			m.health = Health{
				FPSIn:     float64(st.FramesIn-m.last.FramesIn) / secs,
				FPSOut:    float64(st.FramesOut-m.last.FramesOut) / secs,
				VideoKbps: float64(st.VideoBytes-m.last.VideoBytes) * 8 / 1000 / secs,
				AudioKbps: float64(st.AudioBytes-m.last.AudioBytes) * 8 / 1000 / secs,
			}
		}
	}
	m.health.Dropped = dropped
	m.last, m.lastAt = st, now
}

func (m *healthMeter) get() Health {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.health
}
