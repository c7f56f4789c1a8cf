package ingest

import (
	"math"
	"time"
)

// tone synthesizes the test source's sound: a quiet 440 Hz tone with a
// louder 1 kHz beep during the first 100 ms of every wall-clock second, so
// that a listener can check lip sync against the clock on screen.
type tone struct {
	sampleRate int
	channels   int
}

const (
	toneHz     = 440
	beepHz     = 1000
	beepLength = 100 * time.Millisecond
)

// fill writes interleaved samples starting at wall-clock time t.
func (g tone) fill(buf []int16, t time.Time) {
	start := t.UnixNano()
	frames := len(buf) / g.channels
	for i := 0; i < frames; i++ {
		ns := start + int64(i)*int64(time.Second)/int64(g.sampleRate)
		// Both frequencies are whole cycles per second, so the phase
		// within the current second is continuous across seconds.
		frac := time.Duration(ns % int64(time.Second))
		phase := frac.Seconds()
		v := 0.1 * math.Sin(2*math.Pi*toneHz*phase)
		if frac < beepLength {
			v = 0.5 * math.Sin(2*math.Pi*beepHz*phase)
		}
		s := int16(v * math.MaxInt16)
		for c := 0; c < g.channels; c++ {
			buf[i*g.channels+c] = s
		}
	}
}
