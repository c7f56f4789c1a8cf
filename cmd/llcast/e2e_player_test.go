package main

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// clipTimeJS finds text that reads like a clip's position and length
// ("0:09 / 0:10") anywhere on the page.
const clipTimeJS = `(document.body.innerText.match(/\d+:\d\d\s*\/\s*\d+:\d\d/) || [''])[0]`

// TestE2EPlayerLive: the watch page of a live stream shows LIVE, the
// title and the viewer count, and no clip-style time or native controls;
// after a 5 s pause it offers "Go live", which brings the latency back
// under 1.5 s.
func TestE2EPlayerLive(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	const title = `Morning <b>show</b> & more`
	if err := run(context.Background(), []string{"stream", "title", "main", title, "--data", s.DataDir},
		nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("llcast stream title: %v", err)
	}
	b := newBrowserTest(t, s, chromium, 90*time.Second)
	b.do(15*time.Second, "open the login form", chromedp.Navigate(s.URL+"/login"))
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("login: %d", status)
	}
	if status := b.doResponse("open /watch/main", chromedp.Navigate(s.URL+"/watch/main")); status != 200 {
		b.fatalf("/watch/main answered %d", status)
	}
	b.waitJS(time.Now().Add(20*time.Second), "state live", `window.llcast && window.llcast.state === 'live'`)
	t0 := b.evalFloat(`window.llcast.video.currentTime`)
	b.waitJS(time.Now().Add(10*time.Second), "playback advancing 1 s", fmt.Sprintf(`window.llcast.video.currentTime >= %f + 1`, t0))

	// LIVE, llcast's controls, and nothing that makes it look like a clip.
	// (On a busy machine the player may fall behind for a moment, and
	// rightly offer "Go live" until it has caught up.)
	b.waitJS(time.Now().Add(15*time.Second), "the LIVE badge",
		`document.getElementById('live').textContent === 'LIVE' && document.getElementById('player').dataset.live === 'true' &&
		 !document.getElementById('controls').hidden && document.getElementById('poster').hidden`)
	if evalIn[bool](b, `window.llcast.video.controls || window.llcast.video.hasAttribute('controls')`) {
		b.fatalf("a live stream has the browser's controls (a clip's time and seek bar)")
	}
	if clip := evalIn[string](b, clipTimeJS); clip != "" {
		b.fatalf("the page shows %q, a clip's time", clip)
	}

	// The title as text, and the viewer count, this viewer included.
	if got := evalIn[string](b, `document.getElementById('title').textContent`); got != title ||
		evalIn[bool](b, `!!document.querySelector('#title b')`) {
		b.fatalf("the title reads %q (want %q, as text)", got, title)
	}
	b.waitJS(time.Now().Add(15*time.Second), "a viewer counted",
		`/^[1-9]\d* viewers?$/.test(document.getElementById('viewers').textContent)`)

	// Paused for 5 s, the viewer is behind: "Go live" is offered.
	b.do(5*time.Second, "pause", chromedp.Click(chromedp.ID("play-pause")))
	b.waitJS(time.Now().Add(3*time.Second), `"Go live" while paused`,
		`window.llcast.video.paused && document.getElementById('live').textContent === 'Go live' &&
		 document.getElementById('player').dataset.behind === 'true'`)
	b.waitJS(time.Now().Add(15*time.Second), "5 s behind", `window.llcast.latency > 5000`)
	if got := b.text("#live"); got != "Go live" {
		b.fatalf("after a 5 s pause the badge reads %q, want Go live", got)
	}
	b.do(5*time.Second, "click Go live", chromedp.Click(chromedp.ID("live")))
	b.waitJS(time.Now().Add(10*time.Second), "latency under 1.5 s after Go live",
		`!window.llcast.video.paused && window.llcast.latency !== null && window.llcast.latency < 1500 &&
		 document.getElementById('live').textContent === 'LIVE'`)
	t.Logf("latency after Go live: %.0f ms", b.evalFloat(`window.llcast.latency`))

	// A stream nobody publishes to: the poster, with its title, over the
	// video; no controls.
	if err := run(context.Background(), []string{"stream", "add", "stage", "--title", "Later today", "--data", s.DataDir},
		nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("llcast stream add: %v", err)
	}
	if status := b.doResponse("open /watch/stage", chromedp.Navigate(s.URL+"/watch/stage")); status != 200 {
		b.fatalf("/watch/stage answered %d", status)
	}
	b.waitJS(time.Now().Add(10*time.Second), "the offline poster",
		`window.llcast.state === 'offline' && !document.getElementById('poster').hidden &&
		 document.getElementById('poster-title').textContent === 'Later today' &&
		 document.getElementById('poster').textContent.includes('Offline — waiting for the stream') &&
		 document.getElementById('controls').hidden && !window.llcast.video.controls`)
}

// TestE2EEmbed: /embed/main plays in an iframe on a site embed.origins
// lists, through a stream link whose token is in the fragment (and so
// never in the log); a site it does not list cannot frame it; without a
// link and a session the page says it needs one.
func TestE2EEmbed(t *testing.T) {
	chromium := chromiumPath(t)
	// Two host sites: origins differ by port. Each serves a page with an
	// iframe of the src it is asked for.
	host := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><title>blog</title><h1>A blog</h1>`+
			`<iframe id="embed" src="%s" width="640" height="360" allow="autoplay; fullscreen" allowfullscreen></iframe>`,
			html.EscapeString(r.URL.Query().Get("src")))
	}
	allowed := httptest.NewServer(http.HandlerFunc(host))
	t.Cleanup(allowed.Close)
	other := httptest.NewServer(http.HandlerFunc(host))
	t.Cleanup(other.Close)

	config := filepath.Join(t.TempDir(), "llcast.yml")
	if err := os.WriteFile(config, []byte("embed:\n  origins: [\""+allowed.URL+"\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--config", config)
	link, _ := makeLink(t, s, "main")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("token")
	embed := s.URL + "/embed/main"
	b := newBrowserTest(t, s, chromium, 90*time.Second)

	// On an allowed site the player plays.
	b.do(15*time.Second, "open the allowed host page",
		chromedp.Navigate(allowed.URL+"/?src="+url.QueryEscape(embed+"#token="+token)))
	frame := b.childFrame(10 * time.Second)
	if !strings.HasPrefix(frame.URL, embed) {
		b.fatalf("the iframe on %s holds %q (unreachable %q), want %s", allowed.URL, frame.URL, noFragment(frame.UnreachableURL), embed)
	}
	in := b.isolatedWorld(frame.ID)
	b.waitFrameJS(in, time.Now().Add(20*time.Second), "the embedded player live",
		`document.body.dataset.state === 'live' && document.getElementById('video').currentTime > 0`)
	t0 := evalInFrame[float64](b, in, `document.getElementById('video').currentTime`)
	b.waitFrameJS(in, time.Now().Add(10*time.Second), "the embedded video advancing 2 s",
		fmt.Sprintf(`document.getElementById('video').currentTime >= %f + 2`, t0))
	// (A busy machine may put it behind for a moment: then it rightly
	// offers "Go live" until it has caught up.)
	b.waitFrameJS(in, time.Now().Add(15*time.Second), "the embedded LIVE badge",
		`document.getElementById('live').textContent === 'LIVE'`)
	if !evalInFrame[bool](b, in, `!document.getElementById('video').controls && !document.querySelector('.topbar, #login-form')`) {
		b.fatalf("the embedded player has native controls, a header or a login form")
	}
	if strings.Contains(s.logs.String(), token) {
		b.fatalf("the link's token is in the server log")
	}

	// Another site is refused: the browser does not load the page into
	// its frame.
	b.do(15*time.Second, "open the other host page",
		chromedp.Navigate(other.URL+"/?src="+url.QueryEscape(embed+"#token="+token)))
	frame = b.childFrame(10 * time.Second)
	if strings.HasPrefix(frame.URL, s.URL) {
		b.fatalf("the iframe on %s (not in embed.origins) loaded %q", other.URL, frame.URL)
	}
	if !strings.HasPrefix(frame.UnreachableURL, embed) {
		b.fatalf("the iframe on %s holds %q (unreachable %q), want the refused %s", other.URL, frame.URL, noFragment(frame.UnreachableURL), embed)
	}
	if evalInFrame[bool](b, b.isolatedWorld(frame.ID), `!!document.getElementById('video')`) {
		b.fatalf("the refused frame has the player")
	}

	// No link, no session: the page says what is missing.
	b.do(15*time.Second, "open /embed/main without a link", chromedp.Navigate(embed))
	b.waitJS(time.Now().Add(10*time.Second), "the needs-a-link message",
		`document.getElementById('message').textContent.includes('needs a link') && document.getElementById('poster').hidden`)
}

// noFragment cuts the fragment, which holds the token, off a URL for a
// failure message.
func noFragment(u string) string {
	before, _, _ := strings.Cut(u, "#")
	return before
}

// childFrame waits until the page's first iframe has committed a document
// other than about:blank (the player, or the error page of a refused
// frame) and returns it.
func (b *browserTest) childFrame(limit time.Duration) *cdp.Frame {
	b.t.Helper()
	deadline := time.Now().Add(limit)
	for {
		ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
		res, err := chromedp.Call(ctx, page.GetFrameTree, cdp.Empty{})
		cancel()
		if err != nil {
			b.fatalf("reading the frame tree: %v", err)
		}
		if tree := res.FrameTree; tree != nil && len(tree.ChildFrames) > 0 {
			if f := tree.ChildFrames[0].Frame; f != nil && f.URL != "" && f.URL != "about:blank" {
				return f
			}
		}
		if time.Now().After(deadline) {
			b.fatalf("no iframe with a document within %v", limit)
		}
		select {
		case <-b.ctx.Done():
			b.fatalf("waiting for the iframe: %v", b.ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// isolatedWorld makes a JavaScript context in the frame that sees its DOM
// (not its scripts' variables): enough to read the player from outside,
// across origins.
func (b *browserTest) isolatedWorld(frame cdp.FrameID) runtime.ExecutionContextID {
	b.t.Helper()
	ctx, cancel := context.WithTimeout(b.ctx, 5*time.Second)
	defer cancel()
	res, err := chromedp.Call(ctx, page.CreateIsolatedWorld, page.CreateIsolatedWorldParams{FrameID: frame, WorldName: "llcast-test"})
	if err != nil {
		b.fatalf("a context in frame %s: %v", frame, err)
	}
	return res.ExecutionContextID
}

// evalInFrame evaluates a JavaScript expression in a frame's context.
func evalInFrame[T any](b *browserTest, in runtime.ExecutionContextID, expr string) T {
	b.t.Helper()
	return evalIn[T](b, expr, func(p *runtime.EvaluateParams) { p.ContextID = in })
}

// waitFrameJS is waitJS in a frame's context.
func (b *browserTest) waitFrameJS(in runtime.ExecutionContextID, deadline time.Time, what, cond string) {
	b.t.Helper()
	for !evalInFrame[bool](b, in, `!!(`+cond+`)`) {
		if time.Now().After(deadline) {
			b.fatalf("%s: not by the deadline", what)
		}
		select {
		case <-b.ctx.Done():
			b.fatalf("%s: %v", what, b.ctx.Err())
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// TestE2EStudioTitleAndEmbed: in the studio an admin sets a stream's
// title and gets the <iframe> code that embeds its player, whose token
// (in the fragment) opens the stream.
func TestE2EStudioTitleAndEmbed(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	addUser(t, s.DataDir, adminUser, "admin", adminPassword)
	b := newBrowserTest(t, s, chromium, 60*time.Second)
	b.do(15*time.Second, "open /studio", chromedp.Navigate(s.URL+"/studio"))
	if status := b.submitLogin(adminUser, adminPassword); status != 200 {
		b.fatalf("admin login: %d", status)
	}
	main := `#stream-cards .stream-admin[data-stream="main"]`
	b.waitJS(time.Now().Add(15*time.Second), "main listed", `document.querySelector('`+main+` .stream-title-input')`)

	const title = `Studio <i>title</i>`
	b.do(10*time.Second, "set the title",
		chromedp.SetValue(chromedp.CSS(main+" .stream-title-input"), title),
		chromedp.Click(chromedp.CSS(main+" .stream-title-save")))
	b.waitJS(time.Now().Add(10*time.Second), "the title on the card",
		fmt.Sprintf(`document.querySelector('%s .stream-admin-title').textContent === %q`, main, title))
	if out := runOut(t, "stream", "list", "--json", "--data", s.DataDir); !strings.Contains(out, `"title": "Studio <i>title</i>"`) {
		b.fatalf("the store lacks the title:\n%s", out)
	}

	b.do(10*time.Second, "make the embed code", chromedp.Click(chromedp.CSS(main+" .embed-make")))
	b.waitJS(time.Now().Add(10*time.Second), "the embed code",
		`document.querySelector('`+main+` .embed-snippet').value.startsWith('<iframe src="')`)
	code := evalIn[string](b, `document.querySelector('`+main+` .embed-snippet').value`)
	src, _, _ := strings.Cut(strings.TrimPrefix(code, `<iframe src="`), `"`)
	page, fragment, _ := strings.Cut(src, "#token=")
	if page != s.URL+"/embed/main" || fragment == "" || !strings.Contains(code, "allowfullscreen") {
		b.fatalf("the embed code reads %q", code)
	}
	token, err := url.QueryUnescape(fragment)
	if err != nil {
		b.fatalf("the token in %q: %v", code, err)
	}
	// The token opens the stream on its own, without the admin's cookie.
	if got := status(t, s.URL+"/live/main/index.m3u8?token="+url.QueryEscape(token)); got != http.StatusOK {
		b.fatalf("the embed code's token: the playlist answered %d, want 200", got)
	}
	if c := b.console.String(); strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Uncaught") {
		b.fatalf("console errors:\n%s", c)
	}
}
