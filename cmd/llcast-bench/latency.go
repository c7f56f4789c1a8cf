package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/chromedp/chromedp"
)

// sampleJS decodes the timestamp strip of the frame on screen and reads
// the player's own latency estimates.
const sampleJS = `(() => {
	const l = window.llcast, v = l.video, s = bench.readStrip(), now = Date.now();
	const b = v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0;
	return {ok: s.ok, latency: now - s.ms, hls: l.hls ? l.hls.latency * 1000 : null, page: l.latency,
		now: now, media: v.currentTime * 1000, buffer: b * 1000, stalls: bench.stalls};
})()`

type sample struct {
	OK      bool     `json:"ok"`
	Latency float64  `json:"latency"` // ms
	HLS     *float64 `json:"hls"`     // ms
	Page    *float64 `json:"page"`    // ms
	Now     float64  `json:"now"`     // Date.now()
	Media   float64  `json:"media"`   // video.currentTime, ms
	Buffer  float64  `json:"buffer"`  // forward buffer, ms
	Stalls  int      `json:"stalls"`  // "waiting" events since the page played
}

// latencyResult holds the samples of a run, in ms.
type latencyResult struct {
	strip, hls, page, buffer []float64
	failed                   int
	duration                 time.Duration
	// first and last sample: the player's media clock against the wall
	// clock; a rate below 1 makes latency creep up.
	first, last sample
}

// measureLatency samples the watch page playing in tab every 100 ms for d.
func measureLatency(tab context.Context, d time.Duration) (*latencyResult, error) {
	res := &latencyResult{duration: d}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(d); time.Now().Before(end); {
		select {
		case <-tab.Done():
			return nil, tab.Err()
		case <-tick.C:
		}
		s, err := chromedp.Run(tab, chromedp.Evaluate[sample](sampleJS))
		if err != nil {
			return nil, fmt.Errorf("sampling: %w", err)
		}
		if !s.OK {
			res.failed++
			continue
		}
		if len(res.strip) == 0 {
			res.first = s
		}
		res.last = s
		res.strip = append(res.strip, s.Latency)
		res.buffer = append(res.buffer, s.Buffer)
		if s.HLS != nil {
			res.hls = append(res.hls, *s.HLS)
		}
		if s.Page != nil {
			res.page = append(res.page, *s.Page)
		}
	}
	if len(res.strip) == 0 {
		return nil, fmt.Errorf("none of %d samples decoded", res.failed)
	}
	return res, nil
}

func (r *latencyResult) print(w io.Writer) {
	s := r.strip
	slices.Sort(s)
	fmt.Fprintf(w, "latency over %v (Date.now() - capture time read from the frame on screen):\n", r.duration)
	fmt.Fprintf(w, "  p50 %4.0f ms  p95 %4.0f ms  min %4.0f ms  max %4.0f ms  (%d samples, %d failed to decode)\n",
		percentile(s, 50), percentile(s, 95), s[0], s[len(s)-1], len(s), r.failed)
	fmt.Fprintf(w, "  hls.js hls.latency p50 %s; watch page llcast.latency (PROGRAM-DATE-TIME) p50 %s\n",
		p50(r.hls), p50(r.page))
	if wall := r.last.Now - r.first.Now; wall > 0 {
		stalls := r.last.Stalls - r.first.Stalls
		fmt.Fprintf(w, "  player clock ran at %.4f× real time; forward buffer p50 %s; %d stalls (%.1f a minute)\n",
			(r.last.Media-r.first.Media)/wall, p50(r.buffer), stalls, float64(stalls)/(wall/60000))
	}
}

// median is the p50 of the strip latency.
func (r *latencyResult) median() float64 {
	slices.Sort(r.strip)
	return percentile(r.strip, 50)
}

func p50(v []float64) string {
	if len(v) == 0 {
		return "n/a"
	}
	slices.Sort(v)
	return fmt.Sprintf("%.0f ms (%d samples)", percentile(v, 50), len(v))
}

// percentile is the nearest-rank percentile of sorted values.
func percentile(sorted []float64, p int) float64 {
	i := (p*len(sorted)+99)/100 - 1
	return sorted[max(0, i)]
}
