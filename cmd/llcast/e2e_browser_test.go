package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromiumEnv names the variable that overrides where Chromium is.
const chromiumEnv = "CHROMIUM_BIN"

// chromiumFlags make Debian's Chromium play MSE video headless as root
// without reaching out to Google's hosts (background networking,
// component updates, sync), which this network would refuse;
// browserContext adds a fresh --user-data-dir.
var chromiumFlags = []string{
	"headless", "no-sandbox", "disable-gpu", "disable-quic", "no-first-run",
	"disable-background-networking", "disable-component-update", "disable-sync",
}

// pageStateJS describes the watch page (or whatever page is open) for
// failure messages.
const pageStateJS = `JSON.stringify((() => {
	const l = window.llcast, s = {href: location.href, title: document.title};
	if (!l) return s;
	const v = l.video, b = [];
	for (let i = 0; i < v.buffered.length; i++) b.push([v.buffered.start(i), v.buffered.end(i)]);
	return Object.assign(s, {state: l.state, mode: l.mode, latency: l.latency,
		status: document.getElementById('status').textContent,
		message: document.getElementById('message').textContent,
		currentTime: v.currentTime, paused: v.paused, readyState: v.readyState,
		width: v.videoWidth, height: v.videoHeight, buffered: b,
		videoBytes: v.webkitVideoDecodedByteCount, audioBytes: v.webkitAudioDecodedByteCount,
		error: v.error && v.error.message, hlsLatency: l.hls && l.hls.latency});
})())`

// stripJS reads the timestamp strip (README "How it works") from the frame on screen:
// luma at the centre of each of the 44 squares, most significant bit first.
// Squares that are neither clearly white nor clearly black are listed in bad.
const stripJS = `(() => {
	const v = window.llcast.video, w = 44 * 16;
	const c = document.createElement('canvas');
	c.width = w; c.height = 16;
	const g = c.getContext('2d', {willReadFrequently: true});
	g.drawImage(v, 0, 0, w, 16, 0, 0, w, 16);
	const now = Date.now(), d = g.getImageData(0, 0, w, 16).data;
	let ms = 0;
	const bad = [];
	for (let i = 0; i < 44; i++) {
		const o = (8 * w + 16 * i + 8) * 4;
		const y = 0.299 * d[o] + 0.587 * d[o + 1] + 0.114 * d[o + 2];
		if (y > 50 && y < 200) bad.push(i + ':' + Math.round(y));
		ms = ms * 2 + (y >= 128 ? 1 : 0);
	}
	return {ms: ms, now: now, bad: bad};
})()`

// stripReading is what stripJS returns.
type stripReading struct {
	MS  float64  `json:"ms"`
	Now float64  `json:"now"`
	Bad []string `json:"bad"`
}

// browserTest drives one headless Chromium tab against a test server.
type browserTest struct {
	t       *testing.T
	ctx     context.Context // the tab; bounded by the whole test's deadline
	srv     *testServer
	browser *syncBuffer // Chromium's stdout and stderr
	console *syncBuffer // the page's console messages and exceptions
}

func TestE2EBrowser(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	b := newBrowserTest(t, s, chromium, 85*time.Second)

	// (a) Not logged in: / sends the browser to the login form.
	b.do(15*time.Second, "open /", chromedp.Navigate(s.URL+"/"),
		chromedp.WaitVisible(chromedp.ID("login-form")))
	if loc := b.location(); loc != s.URL+"/login" {
		b.fatalf("opening / without a session ended on %s, want %s/login", loc, s.URL)
	}

	// (b) A wrong password shows the error and sets no cookie.
	status := b.submitLogin(testUser, "wrong password")
	if status != 401 {
		b.fatalf("wrong password: login answered %d, want 401", status)
	}
	msg := b.text("#login-error")
	if strings.TrimSpace(msg) == "" {
		b.fatalf("wrong password: #login-error is visible but empty")
	}
	if b.hasJWTCookie() {
		b.fatalf("wrong password: the browser has a jwt cookie")
	}

	// (c) The right password lands on the stream list; main's watch page
	// plays the stream.
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("right password: the page after login answered %d, want 200", status)
	}
	if loc := b.location(); loc != s.URL+"/" {
		b.fatalf("right password: ended on %s, want %s/", loc, s.URL)
	}
	if !b.hasJWTCookie() {
		b.fatalf("right password: the browser has no jwt cookie")
	}
	b.openWatch("main")
	playing := time.Now().Add(20 * time.Second) // live, 3 s played, picture and sound: all by then
	b.waitJS(playing, "state live", `window.llcast && window.llcast.state === 'live'`)
	t0 := b.evalFloat(`window.llcast.video.currentTime`)
	b.waitJS(playing, "playback advancing 3 s",
		fmt.Sprintf(`window.llcast.video.currentTime >= %f + 3`, t0))
	b.waitJS(playing, "1280x720 video with decoded audio",
		`window.llcast.video.videoWidth === 1280 && window.llcast.video.videoHeight === 720 &&
		 window.llcast.video.webkitAudioDecodedByteCount > 0`)

	// (d) The frame on screen carries a capture time close to now: the
	// pictures are real and recent, not a frozen or blank frame.
	strip := evalIn[stripReading](b, stripJS)
	if len(strip.Bad) > 0 {
		b.fatalf("timestamp strip: squares neither black nor white (index:luma): %v", strip.Bad)
	}
	if d := time.Duration(strip.Now-strip.MS) * time.Millisecond; d < -10*time.Second || d > 10*time.Second {
		b.fatalf("timestamp strip reads %s, %v away from the browser's clock (%s)",
			time.UnixMilli(int64(strip.MS)).Format(time.RFC3339Nano), d,
			time.UnixMilli(int64(strip.Now)).Format(time.RFC3339Nano))
	}
	t.Logf("strip: frame on screen captured %d ms before it was read", int64(strip.Now-strip.MS))

	// (e) Logging out ends the session for media requests too.
	status = b.doResponse("log out", chromedp.Click(chromedp.ID("logout")))
	if loc := b.location(); status != 200 || loc != s.URL+"/login" {
		b.fatalf("logout ended on %s with status %d, want %s/login with 200", loc, status, s.URL)
	}
	if code := evalIn[int](b, `fetch('/live/main/index.m3u8', {cache: 'no-store'}).then(r => r.status)`,
		chromedp.EvalAwaitPromise); code != 401 {
		b.fatalf("after logout the playlist answered %d, want 401", code)
	}
	if b.hasJWTCookie() {
		b.fatalf("after logout the browser still has a jwt cookie")
	}
}

// listedJS lists the cards of the stream list (/) as {name, live, href}.
const listedJS = `[...document.querySelectorAll('#streams .stream-card')].map((li) => ({
	name: li.dataset.stream, live: li.dataset.live === 'true', href: li.querySelector('a').getAttribute('href')}))`

// listedStream is a card of the stream list.
type listedStream struct {
	Name string `json:"name"`
	Live bool   `json:"live"`
	Href string `json:"href"`
}

// openWatch checks that the stream list, which the browser is on, links
// to stream's watch page, and opens it.
func (b *browserTest) openWatch(stream string) {
	b.t.Helper()
	b.do(10*time.Second, "wait for the stream list", chromedp.WaitVisible(chromedp.ID("streams")))
	found := false
	for _, l := range evalIn[[]listedStream](b, listedJS) {
		found = found || l.Name == stream && l.Href == "/watch/"+stream
	}
	if !found {
		b.fatalf("the stream list has no link to /watch/%s: %v", stream, evalIn[[]listedStream](b, listedJS))
	}
	if status := b.doResponse("open /watch/"+stream, chromedp.Navigate(b.srv.URL+"/watch/"+stream)); status != 200 {
		b.fatalf("/watch/%s answered %d, want 200", stream, status)
	}
}

// chromiumPath returns $CHROMIUM_BIN, else /usr/bin/chromium, and fails
// the test when there is no such program.
func chromiumPath(t *testing.T) string {
	t.Helper()
	path := os.Getenv(chromiumEnv)
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		t.Fatalf("no Chromium at %s (%v): install Debian's chromium (apt-get install chromium) "+
			"or point %s at a Chromium binary", path, err, chromiumEnv)
	}
	return path
}

// newBrowserTest starts Chromium with a fresh profile and opens a tab.
// Everything it does must end within limit; the browser is closed when the
// test ends.
func newBrowserTest(t *testing.T, s *testServer, path string, limit time.Duration) *browserTest {
	t.Helper()
	b := &browserTest{t: t, srv: s, browser: &syncBuffer{}, console: &syncBuffer{}}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("autoplay-policy", "no-user-gesture-required"),
		chromedp.CombinedOutput(b.browser),
	}
	for _, f := range chromiumFlags {
		opts = append(opts, chromedp.Flag(f, true))
	}
	ctx, cancelTimeout := context.WithTimeout(context.Background(), limit)
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tabCtx, cancelTab := chromedp.NewContext(allocCtx)
	b.ctx = tabCtx
	var wg sync.WaitGroup
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancelTimeout()
		wg.Wait()
	})
	if err := chromedp.Do(tabCtx); err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", path, err, b.browser)
	}
	console := chromedp.Console(tabCtx)
	wg.Go(func() {
		for m, err := range console {
			if err != nil {
				return
			}
			fmt.Fprintf(b.console, "%s: %s\n", m.Type, m.Text)
		}
	})
	return b
}

// fatalf ends the test with the page's state, its console and the end of
// the server log.
func (b *browserTest) fatalf(format string, args ...any) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 3*time.Second)
	defer cancel()
	state, err := chromedp.Run(ctx, chromedp.Evaluate[string](pageStateJS))
	if err != nil {
		state = fmt.Sprintf("(unavailable: %v)", err)
	}
	b.t.Fatalf("%s\npage: %s\nconsole:\n%s\nserver log (last %d lines):\n%s", fmt.Sprintf(format, args...),
		state, b.console, logTail, lastLines(b.srv.logs.String(), logTail))
}

// logTail is how much of the server log a failure shows: the access log
// grows by about 10 lines a second while a player runs.
const logTail = 80

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// do runs actions that must finish within limit.
func (b *browserTest) do(limit time.Duration, what string, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, limit)
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		b.fatalf("%s: %v", what, err)
	}
}

// doResponse runs actions that navigate and returns the new page's status.
func (b *browserTest) doResponse(what string, actions ...chromedp.Action[chromedp.Void]) int64 {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 15*time.Second)
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, actions...)
	if err != nil {
		b.fatalf("%s: %v", what, err)
	}
	return resp.Status
}

// submitLogin fills in the login form, submits it and returns the status
// of the page the browser ends on.
func (b *browserTest) submitLogin(user, password string) int64 {
	b.t.Helper()
	b.do(10*time.Second, "fill in the login form",
		chromedp.WaitVisible(chromedp.ID("login-form")),
		chromedp.SetValue(chromedp.ID("username"), user),
		chromedp.SetValue(chromedp.ID("password"), password))
	return b.doResponse("submit the login form", chromedp.Submit(chromedp.ID("login-form")))
}

func (b *browserTest) location() string {
	b.t.Helper()
	return evalIn[string](b, `location.href`)
}

// text waits for the element to be visible and returns its text.
func (b *browserTest) text(sel string) string {
	b.t.Helper()
	b.do(10*time.Second, "wait for "+sel, chromedp.WaitVisible(chromedp.CSS(sel)))
	return evalIn[string](b, fmt.Sprintf(`document.querySelector(%q).textContent`, sel))
}

// hasJWTCookie asks the browser (not the page: the cookie is HttpOnly)
// whether it holds a session cookie for the server.
func (b *browserTest) hasJWTCookie() bool {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, network.GetCookies, network.GetCookiesParams{URLs: []string{b.srv.URL + "/"}})
	if err != nil {
		b.fatalf("reading cookies: %v", err)
	}
	for _, c := range res.Cookies {
		if c.Name == "jwt" && c.Value != "" {
			return true
		}
	}
	return false
}

func (b *browserTest) evalFloat(expr string) float64 {
	b.t.Helper()
	return evalIn[float64](b, expr)
}

// evalIn evaluates a JavaScript expression in the page.
func evalIn[T any](b *browserTest, expr string, opts ...chromedp.EvaluateOption) T {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr, opts...))
	if err != nil {
		b.fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// waitJS evaluates cond every 100 ms until it is true, failing the test
// when it is still false at the deadline.
// (chromedp.Poll compiles the condition with new Function, which the
// server's Content-Security-Policy forbids.)
func (b *browserTest) waitJS(deadline time.Time, what, cond string) {
	b.t.Helper()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		if evalIn[bool](b, `!!(`+cond+`)`) {
			return
		}
		if time.Now().After(deadline) {
			b.fatalf("%s: not by the deadline", what)
		}
		select {
		case <-b.ctx.Done():
			b.fatalf("%s: %v", what, b.ctx.Err())
		case <-tick.C:
		}
	}
}
