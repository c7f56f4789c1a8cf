package main

import (
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// switchFrames is how many frames in a row must show the new source: one
// misread frame of the test pattern must not pass for the slate.
const switchFrames = 2

// switchLimit is how long a switch may take to show before it counts as
// timed out.
const switchLimit = 10 * time.Second

// switchJS switches the video input with a same-origin POST from the watch
// page (so CrossOriginProtection lets it through and the cookie goes with
// it) and then, on every frame presented (requestVideoFrameCallback, else
// every 15 ms), reads the strip until need frames in a row decode (want) or
// do not (!want). ms is from the POST's response to the expected display
// time of the first of those frames. The audio stays the test tone.
const switchJS = `(async (kind, want, need, limit) => {
	const v = llcast.video, s0 = bench.stalls, pre = bench.readStrip();
	const before = pre.ok ? Date.now() - pre.ms : null, t0 = performance.now();
	const res = await fetch('/api/studio/select', {method: 'POST', credentials: 'same-origin',
		headers: {'Content-Type': 'application/json'},
		body: JSON.stringify({video: {kind: kind}, audio: {kind: 'test'}})});
	const t1 = performance.now();
	if (!res.ok) return {status: res.status, error: (await res.text()).slice(0, 300)};
	const rvfc = 'requestVideoFrameCallback' in v;
	return await new Promise(resolve => {
		let run = 0, first = 0, frames = 0, over = false, iv = 0;
		const finish = r => {
			over = true;
			clearTimeout(timer);
			clearInterval(iv);
			resolve(Object.assign({status: res.status, post: t1 - t0, frames: frames, rvfc: rvfc,
				stalls: bench.stalls - s0, before: before}, r));
		};
		const timer = setTimeout(() => finish({timeout: true}), limit);
		const check = at => {
			frames++;
			if (bench.readStrip().ok !== want) {
				run = 0;
				return;
			}
			if (run++ === 0) first = at;
			if (run >= need) finish({ms: first - t1});
		};
		if (rvfc) {
			const onFrame = (now, meta) => {
				if (over) return;
				check(meta.expectedDisplayTime || now);
				if (!over) v.requestVideoFrameCallback(onFrame);
			};
			v.requestVideoFrameCallback(onFrame);
		} else {
			iv = setInterval(() => check(performance.now()), 15);
		}
	});
})(%s, %t, %d, %d)`

// switchOutcome is what switchJS resolves to.
type switchOutcome struct {
	Status  int     `json:"status"`
	Error   string  `json:"error"`
	Post    float64 `json:"post"` // POST round trip, ms
	MS      float64 `json:"ms"`
	Timeout bool    `json:"timeout"`
	Frames  int     `json:"frames"` // frames read
	RVFC    bool    `json:"rvfc"`
	Stalls  int     `json:"stalls"` // from the POST to the end
	// Before is the strip latency of the frame on screen just before the
	// POST, ms; null when the strip did not decode.
	Before *float64 `json:"before"`
}

// switchResult holds the switch times of a run, in ms.
type switchResult struct {
	n               int
	toNone, toTest  []float64
	before          []float64 // latency just before switching to none
	post            []float64
	timeouts        int
	stalls, restart int
	// stallsNone and stallsTest count the stalls from a POST until the
	// new source showed; the rest happened between switches.
	stallsNone, stallsTest int
	errors                 []string
	rvfc                   bool
	// frames read and the time they spanned, for the resolution.
	frames int
	span   float64
}

// measureSwitches switches the video of the stream playing in tab from the
// test pattern to none (a slate) and back, n times, and times each switch
// as the viewer sees it: from the POST's response to the first frame on
// screen that shows the new source. The bench user must be an admin.
func measureSwitches(tab context.Context, n int) (*switchResult, error) {
	before, err := readCounters(tab)
	if err != nil {
		return nil, err
	}
	res := &switchResult{n: n}
	for i := range n {
		// Wait a little and by a varying amount, so that switches land at
		// different points of a part and of a GOP, and check that the test
		// pattern is back on screen.
		if err := sleep(tab, time.Second+rand.N(time.Second)); err != nil {
			return nil, err
		}
		if err := waitStrip(tab, 5*time.Second); err != nil {
			return nil, fmt.Errorf("before switch %d: %w", i+1, err)
		}
		gone, err := switchVideo(tab, "none", false)
		if err != nil {
			return nil, err
		}
		back, err := switchVideo(tab, "test", true)
		if err != nil {
			return nil, err
		}
		res.add(gone, back)
	}
	after, err := readCounters(tab)
	if err != nil {
		return nil, err
	}
	res.stalls = after.Stalls - before.Stalls
	res.restart = after.Restarts - before.Restarts
	res.errors = after.Errors[min(len(before.Errors), len(after.Errors)):]
	return res, nil
}

// add records one switch to none and back.
func (r *switchResult) add(gone, back switchOutcome) {
	r.rvfc = gone.RVFC
	if gone.Before != nil {
		r.before = append(r.before, *gone.Before)
	}
	r.stallsNone += gone.Stalls
	r.stallsTest += back.Stalls
	r.post = append(r.post, gone.Post, back.Post)
	for _, o := range []switchOutcome{gone, back} {
		if !o.Timeout {
			r.frames += o.Frames
			r.span += o.MS
		}
	}
	switch {
	case gone.Timeout:
		// The slate never showed: the way back measures nothing.
		r.timeouts++
	case back.Timeout:
		r.timeouts++
		r.toNone = append(r.toNone, gone.MS)
	default:
		r.toNone = append(r.toNone, gone.MS)
		r.toTest = append(r.toTest, back.MS)
	}
}

// switchVideo selects the video kind from the page and waits until the
// strip decodes (want) or does not.
func switchVideo(tab context.Context, kind string, want bool) (switchOutcome, error) {
	ctx, cancel := context.WithTimeout(tab, switchLimit+10*time.Second)
	defer cancel()
	js := fmt.Sprintf(switchJS, strconv.Quote(kind), want, switchFrames, switchLimit.Milliseconds())
	out, err := chromedp.Run(ctx, chromedp.Evaluate[switchOutcome](js, chromedp.EvalAwaitPromise))
	if err != nil {
		return out, fmt.Errorf("switching the video to %s: %w", kind, err)
	}
	if out.Status != 200 {
		return out, fmt.Errorf("POST /api/studio/select (video %s): status %d: %s", kind, out.Status, out.Error)
	}
	return out, nil
}

// waitStrip waits until the strip on screen decodes.
func waitStrip(tab context.Context, limit time.Duration) error {
	for end := time.Now().Add(limit); time.Now().Before(end); {
		ok, err := chromedp.Run(tab, chromedp.Evaluate[bool](`bench.readStrip().ok`))
		if err != nil {
			return fmt.Errorf("reading the strip: %w", err)
		}
		if ok {
			return nil
		}
		if err := sleep(tab, 50*time.Millisecond); err != nil {
			return err
		}
	}
	return fmt.Errorf("the test pattern's strip did not decode within %v", limit)
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// print writes the switch times next to the run's latency p50, which they
// include.
func (r *switchResult) print(w io.Writer, latencyP50 float64) {
	how := "every 15 ms"
	if r.rvfc {
		how = "on every frame presented, requestVideoFrameCallback"
		if r.span > 0 {
			how += fmt.Sprintf(", %.0f/s", float64(r.frames)/r.span*1000)
		}
	}
	fmt.Fprintf(w, "source switch, %d× test → none → test, from the POST's response to the first frame on screen\n", r.n)
	fmt.Fprintf(w, "that shows the new source (strip read %s):\n", how)
	for _, d := range []struct {
		what string
		v    []float64
	}{{"test → none (strip gone)", r.toNone}, {"none → test (strip back)", r.toTest}} {
		if len(d.v) == 0 {
			fmt.Fprintf(w, "  %s  n/a\n", d.what)
			continue
		}
		slices.Sort(d.v)
		fmt.Fprintf(w, "  %s  p50 %4.0f ms  max %4.0f ms  (%d switches)\n",
			d.what, percentile(d.v, 50), d.v[len(d.v)-1], len(d.v))
	}
	before := "n/a"
	if len(r.before) > 0 {
		slices.Sort(r.before)
		before = fmt.Sprintf("%.0f ms", percentile(r.before, 50))
	}
	fmt.Fprintf(w, "  these include the latency: p50 %.0f ms over the latency phase, %s on the frame on screen just before switching\n",
		latencyP50, before)
	slices.Sort(r.post)
	fmt.Fprintf(w, "  POST /api/studio/select p50 %.0f ms; %d timed out (> %v)\n", percentile(r.post, 50), r.timeouts, switchLimit)
	fmt.Fprintf(w, "  %d stalls (%d while switching to none, %d to test, %d between switches), %d player errors, %d player restarts\n",
		r.stalls, r.stallsNone, r.stallsTest, r.stalls-r.stallsNone-r.stallsTest, len(r.errors), r.restart)
	if len(r.errors) > 0 {
		fmt.Fprintf(w, "  player errors: %s\n", tally(r.errors))
	}
}

// tally lists distinct strings in the order first seen, with a count when
// one occurs more than once.
func tally(v []string) string {
	counts := map[string]int{}
	var order []string
	for _, s := range v {
		if counts[s] == 0 {
			order = append(order, s)
		}
		counts[s]++
	}
	for i, s := range order {
		if counts[s] > 1 {
			order[i] = fmt.Sprintf("%s ×%d", s, counts[s])
		}
	}
	return strings.Join(order, ", ")
}
