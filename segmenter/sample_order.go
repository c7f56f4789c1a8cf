package segmenter

import (
	"time"

	"github.com/llcast/llcast/ingest"
)

// sampleOrder puts the samples of a stream's tracks back in time order
// before they reach the muxers.
//
// gohlslib ends every track's segment and part when the video says so: at
// the time of the video sample it is given. Audio comes out of its encoder
// later than the video of the same time (a frame is only complete after
// its length, a jitter margin and the codec delay), so without this stage
// the audio of the last tenth of a second of each segment lands in the
// next one, and audio segments do not last what their EXTINF says.
//
// A sample is released once every other track has delivered a sample at
// or after its time (the watermark), so that nothing earlier can still
// come; or once the oldest sample held has waited maxHold, so that a track
// that stops (a lost microphone) delays the others by maxHold but never
// stalls them. Samples always leave in time order, each track's own order
// kept. Only the stream's writer goroutine uses it.
type sampleOrder struct {
	maxHold time.Duration
	// limit caps the samples held; beyond it the earliest leaves at once,
	// so memory stays bounded whatever the timestamps do.
	limit  int
	tracks []*orderedTrack
	index  map[*ingest.Track]int
	held   int
}

// orderedTrack is what sampleOrder knows of one track.
type orderedTrack struct {
	queue  []heldSample // arrival order, which is time order within a track
	seen   bool         // whether the track delivered anything yet
	latest time.Duration
}

type heldSample struct {
	sample  ingest.Sample
	at      time.Duration // the sample's time, comparable across tracks
	arrived time.Time
}

func newSampleOrder(tracks []*ingest.Track, maxHold time.Duration, limit int) *sampleOrder {
	o := &sampleOrder{maxHold: maxHold, limit: limit, index: make(map[*ingest.Track]int, len(tracks))}
	for i, t := range tracks {
		o.index[t] = i
		o.tracks = append(o.tracks, &orderedTrack{})
	}
	return o
}

// add holds a sample that arrived at now. Its track must be one of those
// the order was made with.
func (o *sampleOrder) add(s ingest.Sample, now time.Time) {
	t := o.tracks[o.index[s.Track]]
	at := s.Duration()
	t.queue = append(t.queue, heldSample{sample: s, at: at, arrived: now})
	if !t.seen || at > t.latest {
		t.latest = at
	}
	t.seen = true
	o.held++
}

// next returns the next sample to hand to the muxers, if one may leave at
// now.
func (o *sampleOrder) next(now time.Time) (ingest.Sample, bool) {
	first := -1
	var oldest time.Time
	for i, t := range o.tracks {
		if len(t.queue) == 0 {
			continue
		}
		head := t.queue[0]
		if first < 0 || head.at < o.tracks[first].queue[0].at {
			first = i
		}
		if oldest.IsZero() || head.arrived.Before(oldest) {
			oldest = head.arrived
		}
	}
	if first < 0 {
		return ingest.Sample{}, false
	}
	head := o.tracks[first].queue[0]
	// An expired sample forces out everything earlier than itself too,
	// which keeps the order.
	if o.held <= o.limit && now.Sub(oldest) < o.maxHold && !o.passedBy(first, head.at) {
		return ingest.Sample{}, false
	}
	t := o.tracks[first]
	t.queue[0] = heldSample{}
	t.queue = t.queue[1:]
	o.held--
	return head.sample, true
}

// passedBy reports whether every track but skip has delivered a sample at
// or after at.
func (o *sampleOrder) passedBy(skip int, at time.Duration) bool {
	for i, t := range o.tracks {
		if i != skip && (!t.seen || t.latest < at) {
			return false
		}
	}
	return true
}

// wait returns how long after now the oldest sample held runs out of
// patience; false when nothing is held.
func (o *sampleOrder) wait(now time.Time) (time.Duration, bool) {
	var oldest time.Time
	for _, t := range o.tracks {
		if len(t.queue) > 0 && (oldest.IsZero() || t.queue[0].arrived.Before(oldest)) {
			oldest = t.queue[0].arrived
		}
	}
	if oldest.IsZero() {
		return 0, false
	}
	return max(oldest.Add(o.maxHold).Sub(now), 0), true
}
