package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"slices"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumEnv overrides where Chromium is (default /usr/bin/chromium).
const chromiumEnv = "CHROMIUM_BIN"

// sampleJS decodes the timestamp strip of the frame on screen (luma at the
// centre of each of the 44 squares, most significant bit first) and reads
// the player's own latency estimates. ok is false when a square is neither
// clearly white (luma >= 200) nor clearly black (<= 50).
const sampleJS = `(() => {
	const l = window.llcast, v = l.video, w = 44 * 16;
	const c = document.createElement('canvas');
	c.width = w; c.height = 16;
	const g = c.getContext('2d', {willReadFrequently: true});
	g.drawImage(v, 0, 0, w, 16, 0, 0, w, 16);
	const now = Date.now(), d = g.getImageData(0, 0, w, 16).data;
	let ms = 0, ok = v.readyState >= 2;
	for (let i = 0; i < 44; i++) {
		const o = (8 * w + 16 * i + 8) * 4;
		const y = 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
		if (y > 50 && y < 200) ok = false;
		ms = ms * 2 + (y >= 128 ? 1 : 0);
	}
	const b = v.buffered.length ? v.buffered.end(v.buffered.length - 1) - v.currentTime : 0;
	return {ok: ok, latency: now - ms, hls: l.hls ? l.hls.latency * 1000 : null, page: l.latency,
		now: now, media: v.currentTime * 1000, buffer: b * 1000, stalls: window.benchStalls || 0};
})()`

type sample struct {
	OK      bool     `json:"ok"`
	Latency float64  `json:"latency"` // ms
	HLS     *float64 `json:"hls"`     // ms
	Page    *float64 `json:"page"`    // ms
	Now     float64  `json:"now"`     // Date.now()
	Media   float64  `json:"media"`   // video.currentTime, ms
	Buffer  float64  `json:"buffer"`  // forward buffer, ms
	Stalls  int      `json:"stalls"`  // "waiting" events since sampling began
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

// measureLatency logs in to url with headless Chromium, waits for the watch
// page to play and samples every 100 ms for d.
func measureLatency(ctx context.Context, chromium, url, password string, d time.Duration) (*latencyResult, error) {
	ctx, cancel, err := newBrowser(ctx, chromium)
	if err != nil {
		return nil, err
	}
	defer cancel()
	if err := login(ctx, url, password); err != nil {
		return nil, err
	}
	if err := waitLive(ctx, 30*time.Second); err != nil {
		return nil, err
	}
	// Count rebuffering: a low latency that stalls is no good to a viewer.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
		`window.benchStalls = 0; llcast.video.addEventListener('waiting', () => window.benchStalls++); true`)); err != nil {
		return nil, fmt.Errorf("installing the stall counter: %w", err)
	}
	res := &latencyResult{duration: d}
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for end := time.Now().Add(d); time.Now().Before(end); {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-tick.C:
		}
		s, err := chromedp.Run(ctx, chromedp.Evaluate[sample](sampleJS))
		if err != nil {
			return nil, fmt.Errorf("sampling: %w", err)
		}
		// More than a minute either way is a misread, not a latency.
		if !s.OK || s.Latency < -60_000 || s.Latency > 60_000 {
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

// chromiumPath is $CHROMIUM_BIN, else /usr/bin/chromium, if it exists.
func chromiumPath() (string, error) {
	path := os.Getenv(chromiumEnv)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		return "", fmt.Errorf("no Chromium at %s: install Debian's chromium or set %s: %w", path, chromiumEnv, err)
	}
	return path, nil
}

// newBrowser starts headless Chromium with a fresh profile. cancel closes
// it and removes the profile.
func newBrowser(ctx context.Context, path string) (context.Context, context.CancelFunc, error) {
	profile, err := os.MkdirTemp("", "llcast-bench-chromium-")
	if err != nil {
		return nil, nil, err
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.UserDataDir(profile),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
	}
	for _, f := range []string{"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
		"disable-background-networking", "disable-component-update", "disable-sync"} {
		opts = append(opts, chromedp.Flag(f, true))
	}
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	cancel := func() { cancelTab(); cancelAlloc(); os.RemoveAll(profile) }
	if err := chromedp.Do(tabCtx); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return tabCtx, cancel, nil
}

func login(ctx context.Context, url, password string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Do(ctx, chromedp.Navigate(url+"/login"),
		chromedp.SetValue(chromedp.ID("username"), "bench"),
		chromedp.SetValue(chromedp.ID("password"), password)); err != nil {
		return fmt.Errorf("login form: %w", err)
	}
	resp, err := chromedp.RunResponse(ctx, chromedp.Submit(chromedp.ID("login-form")))
	if err != nil {
		return fmt.Errorf("login: %w", err)
	}
	if resp.Status != 200 || resp.URL != url+"/" {
		return fmt.Errorf("login ended on %s with status %d, want %s/ with 200", resp.URL, resp.Status, url)
	}
	return nil
}

// waitLive waits until the watch page plays.
func waitLive(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		live, err := chromedp.Run(ctx, chromedp.Evaluate[bool](
			`!!window.llcast && llcast.state === 'live' && llcast.video.currentTime > 0`))
		if live {
			return nil
		}
		if err != nil && !errors.Is(err, context.DeadlineExceeded) {
			return fmt.Errorf("waiting for the stream: %w", err)
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("the watch page was not playing within %v", limit)
		case <-tick.C:
		}
	}
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
		fmt.Fprintf(w, "  player clock ran at %.4f× real time; forward buffer p50 %s; %d stalls\n",
			(r.last.Media-r.first.Media)/wall, p50(r.buffer), r.last.Stalls)
	}
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
