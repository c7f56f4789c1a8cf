package srt

import (
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
)

// tsMask keeps the 33 bits of an MPEG-TS timestamp.
const tsMask = 1<<33 - 1

// timeline turns a publisher's MPEG-TS timestamps (90 kHz, 33 bits, with
// wraparound) into sample times that count from the stream's first
// picture, one clock for all tracks: audio and video keep the distance the
// publisher gave them.
type timeline struct {
	dec     mpegts.TimeDecoder // one decoder for all tracks: it unwraps relative to the last value seen
	base    int64              // unwrapped 90 kHz time of sample time 0
	started bool
	// anchor is the wall-clock time of sample time 0: the earliest that
	// any sample so far allows, since none can have been captured after
	// it arrived (see wallClock).
	anchor time.Time
}

// unwrap decodes a raw timestamp into 90 kHz ticks on a line that does not
// wrap around.
func (t *timeline) unwrap(raw int64) int64 {
	return t.dec.Decode(raw)
}

// start makes ticks, an unwrapped time, sample time 0, received at now.
func (t *timeline) start(ticks int64, now time.Time) {
	t.base, t.anchor, t.started = ticks, now, true
}

// at converts an unwrapped time to a sample time in units of rate (Hz).
func (t *timeline) at(ticks int64, rate int) int64 {
	return rescale(ticks-t.base, 90000, int64(rate))
}

// wallClock is the wall-clock time of sample time v in units of rate,
// which arrived at now. A sample that arrives earlier than the anchor says
// (the first ones waited in SRT's and the demuxer's buffers) moves the
// anchor back, so that NTP never runs ahead of the clock.
func (t *timeline) wallClock(v int64, rate int, now time.Time) time.Time {
	d := ticksDuration(v, rate)
	if a := now.Add(-d); a.Before(t.anchor) {
		t.anchor = a
	}
	return t.anchor.Add(d)
}

// ptsDelta is how far a raw PTS lies after its raw DTS; zero for a PTS
// before the DTS, which a decoder could not honour.
func ptsDelta(pts, dts int64) int64 {
	d := (pts - dts) & tsMask
	if d > tsMask/2 {
		return 0
	}
	return d
}

// rescale converts v from units of 1/from to 1/to seconds, rounding to the
// nearest unit. It splits v so that v·to cannot overflow.
func rescale(v, from, to int64) int64 {
	q, r := v/from, v%from
	if r < 0 {
		q, r = q-1, r+from
	}
	return q*to + (r*to+from/2)/from
}

// ticksDuration converts v units of 1/rate seconds to a duration.
func ticksDuration(v int64, rate int) time.Duration {
	return time.Duration(rescale(v, int64(rate), int64(time.Second)))
}
