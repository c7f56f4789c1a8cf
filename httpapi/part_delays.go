package httpapi

import (
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// partDelayBuckets are the upper bounds, in seconds, of the part delay
// histogram: a player at the live edge gets a part within a part duration
// or two of its end (100 ms each by default); one that fell behind, or
// that starts a segment back, seconds later.
var partDelayBuckets = []float64{0.05, 0.1, 0.15, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10}

// PartDelays keeps a histogram per stream of how late LL-HLS parts are as
// llcast sends them (llcast_stream_part_delay_seconds). It is the
// segmenter.DelayRecorder of every stream, made before the streams start;
// /metrics shows it for the streams there are (streamCollector). The zero
// value is ready; it is safe for concurrent use.
type PartDelays struct {
	once sync.Once
	vec  *prometheus.HistogramVec

	mu    sync.Mutex // guards names
	names map[string]bool
}

func (d *PartDelays) init() {
	d.once.Do(func() {
		d.vec = prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "llcast_stream_part_delay_seconds",
			Help: "How late LL-HLS parts were as llcast began to send them: the time of sending minus the " +
				"wall-clock end of the part's media (its segment's PROGRAM-DATE-TIME plus its parts up to its end), " +
				"0 when sent before that end. It covers segmenting, waiting for the part and how far behind the " +
				"live edge players are, not the network. Behind a caching proxy it is what the proxy got.",
			Buckets: partDelayBuckets,
		}, []string{"stream"})
	})
}

// PartDelay returns what the stream called name reports each part's
// delay to. Names come from the streams that go on the air, which the
// stream store and the publish keys bound.
func (d *PartDelays) PartDelay(name string) func(late time.Duration) {
	d.init()
	d.mu.Lock()
	if d.names == nil {
		d.names = map[string]bool{}
	}
	d.names[name] = true
	d.mu.Unlock()
	h := d.vec.WithLabelValues(name)
	return func(late time.Duration) { h.Observe(late.Seconds()) }
}

func (d *PartDelays) describe(ch chan<- *prometheus.Desc) {
	d.init()
	d.vec.Describe(ch)
}

// collect sends the histograms of the streams in keep and forgets the
// others: a removed stream leaves /metrics. A nil keep forgets none.
func (d *PartDelays) collect(ch chan<- prometheus.Metric, keep map[string]bool) {
	d.init()
	d.mu.Lock()
	for name := range d.names {
		if keep != nil && !keep[name] {
			d.vec.DeleteLabelValues(name)
			delete(d.names, name)
		}
	}
	d.mu.Unlock()
	d.vec.Collect(ch)
}
