package llhls

import "time"

// ticks converts d to a clock of rate ticks per second, rounding down.
func ticks(d time.Duration, rate int64) int64 {
	return int64(d/time.Second)*rate + int64(d%time.Second)*rate/int64(time.Second)
}

// duration converts n ticks of a clock of rate to a duration.
func duration(n int64, rate int) time.Duration {
	r := int64(rate)
	return time.Duration(n/r)*time.Second + time.Duration(n%r)*time.Second/time.Duration(r)
}

func ceilTo(d, step time.Duration) time.Duration { return (d + step - 1) / step * step }
