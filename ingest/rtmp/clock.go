package rtmp

import "time"

// clock turns the timestamps of one RTMP connection into sample times.
// RTMP stamps every message of every track in milliseconds on one clock, so
// the work left is the unit, the order guarantees ingest promises, and the
// wall-clock time. It is used by the goroutine that reads the connection.
type clock struct {
	now func() time.Time
	// anchor is the wall-clock time of timestamp 0: the earliest that any
	// sample so far allows, since none can have been captured after it
	// arrived. NTP then advances exactly with the timestamps, and never
	// runs ahead of the clock when the first samples come late in a burst
	// (gortmplib holds the first two seconds while it finds the tracks).
	anchor time.Time
}

// track returns the clock of one track counting in rate units per second.
func (c *clock) track(rate int) *trackClock {
	return &trackClock{clock: c, rate: rate}
}

// trackClock stamps the samples of one track.
type trackClock struct {
	clock   *clock
	rate    int
	started bool
	lastDTS time.Duration
	lastNTP time.Time
}

// stamp converts a sample's times to ticks of the track's rate and its
// wall-clock time. A DTS that goes back (a publisher's timestamp glitch) is
// held at the last one and a PTS before its DTS is moved up to it, because
// the muxers downstream rely on both.
func (t *trackClock) stamp(pts, dts time.Duration) (ptsTicks, dtsTicks int64, ntp time.Time) {
	if t.started && dts < t.lastDTS {
		dts = t.lastDTS
	}
	t.started, t.lastDTS = true, dts
	pts = max(pts, dts)
	if a := t.clock.now().Add(-dts); t.clock.anchor.IsZero() || a.Before(t.clock.anchor) {
		t.clock.anchor = a
	}
	// The anchor moving back, for another track's sample, must not move
	// this track's wall clock back.
	ntp = t.clock.anchor.Add(dts)
	if ntp.Before(t.lastNTP) {
		ntp = t.lastNTP
	}
	t.lastNTP = ntp
	return ticks(pts, t.rate), ticks(dts, t.rate), ntp
}

// ticks converts d to units of rate per second, rounding down, without
// overflowing int64 for any duration.
func ticks(d time.Duration, rate int) int64 {
	sec, frac := d/time.Second, d%time.Second
	if frac < 0 {
		sec, frac = sec-1, frac+time.Second
	}
	return int64(sec)*int64(rate) + int64(frac)*int64(rate)/int64(time.Second)
}

// duration converts n units of rate per second to a duration, rounded to
// the millisecond that RTMP timestamps count in.
func duration(n int64, rate int) time.Duration {
	r := int64(rate)
	sec, frac := n/r, n%r
	if frac < 0 {
		sec, frac = sec-1, frac+r
	}
	return time.Duration(sec)*time.Second + time.Duration((frac*1000+r/2)/r)*time.Millisecond
}
