package file

import (
	"time"

	"github.com/llcast/llcast/ingest"
)

// loopPass is one pass of a Loop through the file, with its timestamps
// moved on by the loops before it.
type loopPass struct {
	loop          int64
	period, clock int64
	next          func() (ingest.Sample, error, bool)
	stop          func()

	head    *timedSample
	headErr error
	done    bool
}

type timedSample struct {
	ingest.Sample
	at time.Duration // DTS as a time from the loop's start
}

// peek returns the pass's next sample without taking it.
func (p *loopPass) peek() (timedSample, bool, error) {
	if p.head == nil && !p.done && p.headErr == nil {
		s, err, ok := p.next()
		switch {
		case !ok:
			p.done = true
		case err != nil:
			p.headErr = err
		default:
			offset := rescale(p.loop*p.period, p.clock, int64(s.Track.ClockRate))
			s.DTS += offset
			s.PTS += offset
			p.head = &timedSample{Sample: s, at: toDuration(s.DTS, s.Track.ClockRate)}
		}
	}
	if p.head == nil {
		return timedSample{}, false, p.headErr
	}
	return *p.head, true, nil
}

// take drops the sample peek returned.
func (p *loopPass) take() { p.head = nil }
