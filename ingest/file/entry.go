package file

import "math/bits"

// Entry describes one sample of a track without its payload. Times are in
// the track's ClockRate, counted from the file's start (the earliest
// decoding time of all tracks is 0).
type Entry struct {
	DTS, PTS int64
	// Duration runs to the next sample's DTS; for the last sample it is
	// what the file says, or the previous sample's duration.
	Duration int64
	// Size is the payload's size in the file.
	Size int
	// Key marks a sync sample (an IDR for H.264; every audio sample).
	Key bool
}

// Span selects the samples From[i] ≤ n < To[i] of every track i.
type Span struct {
	From, To []int
}

// rescale converts v from one clock rate to another, rounding down,
// without overflowing for long files. Both rates are positive.
func rescale(v, from, to int64) int64 {
	if from == to {
		return v
	}
	q, r := v/from, v%from
	if r < 0 {
		q, r = q-1, r+from
	}
	// r < from, so the 128-bit product divided by from fits 64 bits.
	hi, lo := bits.Mul64(uint64(r), uint64(to))
	frac, _ := bits.Div64(hi, lo, uint64(from))
	return q*to + int64(frac)
}
