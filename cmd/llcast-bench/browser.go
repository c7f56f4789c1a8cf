package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumEnv overrides where Chromium is (default /usr/bin/chromium).
const chromiumEnv = "CHROMIUM_BIN"

// benchJS installs window.bench on the watch page.
//
// bench.readStrip() decodes the timestamp strip (README "How it works") of the frame on
// screen: luma at the centre of each of the 44 squares, most significant
// bit first. ok is false when a square is neither clearly white (luma >=
// 200) nor clearly black (<= 50), when no frame is there yet, and when ms
// is more than a minute away from Date.now(): that is a misread (the
// slate's dark grey reads as all black, 0), not a latency.
//
// The counters are what a viewer would notice going wrong: rebuffering
// ("waiting" events), player errors (hls.js ERROR events, media element
// errors) and player restarts (the page replacing its Hls instance after a
// fatal error). The page may replace llcast.hls at any time, so new
// instances are hooked as they appear.
const benchJS = `(() => {
	const v = llcast.video, w = 44 * 16;
	const c = document.createElement('canvas');
	c.width = w; c.height = 16;
	const g = c.getContext('2d', {willReadFrequently: true});
	const b = window.bench = {stalls: 0, errors: [], restarts: 0, hls: null};
	b.readStrip = () => {
		g.drawImage(v, 0, 0, w, 16, 0, 0, w, 16);
		const d = g.getImageData(0, 0, w, 16).data;
		let ms = 0, ok = v.readyState >= 2;
		for (let i = 0; i < 44; i++) {
			const o = (8 * w + 16 * i + 8) * 4;
			const y = 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
			if (y > 50 && y < 200) ok = false;
			ms = ms * 2 + (y >= 128 ? 1 : 0);
		}
		return {ok: ok && Math.abs(Date.now() - ms) < 60000, ms: ms};
	};
	v.addEventListener('waiting', () => b.stalls++);
	v.addEventListener('error', () => b.errors.push('media element error'));
	const hook = () => {
		const h = llcast.hls;
		if (!h || h === b.hls) return;
		if (b.hls) b.restarts++;
		b.hls = h;
		h.on(Hls.Events.ERROR, (e, d) => b.errors.push(d.type + '/' + d.details + (d.fatal ? ' (fatal)' : '')));
	};
	hook();
	setInterval(hook, 50);
	return true;
})()`

// counters is window.bench without the Hls instance.
type counters struct {
	Stalls   int      `json:"stalls"`
	Errors   []string `json:"errors"`
	Restarts int      `json:"restarts"`
}

const countersJS = `({stalls: bench.stalls, errors: bench.errors, restarts: bench.restarts})`

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

// mainStream is the stream of the server's own test source.
const mainStream = "main"

// openWatchPage opens the watch page of the main stream (openStreamPage).
func openWatchPage(ctx context.Context, chromium, url, password string) (context.Context, context.CancelFunc, error) {
	return openStreamPage(ctx, chromium, url, password, mainStream)
}

// openStreamPage starts headless Chromium, logs in to url as the bench
// user, opens stream's watch page, waits for it to play and installs
// window.bench (benchJS). The returned context is the tab; cancel closes
// Chromium and removes its profile.
func openStreamPage(ctx context.Context, chromium, url, password, stream string) (context.Context, context.CancelFunc, error) {
	tab, cancel, err := newBrowser(ctx, chromium)
	if err != nil {
		return nil, nil, err
	}
	if err := login(tab, url, password); err != nil {
		cancel()
		return nil, nil, err
	}
	if err := openWatch(tab, url, stream); err != nil {
		cancel()
		return nil, nil, err
	}
	if err := waitLive(tab, 30*time.Second); err != nil {
		cancel()
		return nil, nil, err
	}
	if _, err := chromedp.Run(tab, chromedp.Evaluate[bool](benchJS)); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("installing the bench hooks: %w", err)
	}
	return tab, cancel, nil
}

// readCounters reads window.bench.
func readCounters(tab context.Context) (counters, error) {
	c, err := chromedp.Run(tab, chromedp.Evaluate[counters](countersJS))
	if err != nil {
		return c, fmt.Errorf("reading the player counters: %w", err)
	}
	return c, nil
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

// openWatch opens stream's watch page (login lands on the stream list).
func openWatch(ctx context.Context, url, stream string) error {
	ctx, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Navigate(url+"/watch/"+stream))
	if err != nil {
		return fmt.Errorf("opening the watch page of %s: %w", stream, err)
	}
	if resp.Status != 200 {
		return fmt.Errorf("the watch page of %s answered %d, want 200", stream, resp.Status)
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
