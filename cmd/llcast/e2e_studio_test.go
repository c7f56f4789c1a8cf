package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

const (
	adminUser     = "boss"
	adminPassword = "studio passphrase 42"
)

// addUser adds a user to a running server's store (it reloads the file).
func addUser(t *testing.T, dir, name, role, password string) {
	t.Helper()
	if err := run(context.Background(), []string{"user", "add", name, "--role", role, "--password-stdin", "--data", dir},
		strings.NewReader(password+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("user add %s: %v", name, err)
	}
}

// localListener accepts and closes connections until the test ends: a
// loopback address for a network probe that says offline (the connection
// closes without a DNS answer). dnsResponder is the one that says online.
func localListener(t *testing.T) string {
	return loopbackServer(t, func(net.Conn) {})
}

// captivePortal answers every connection with an HTTP redirect, as a
// captive portal or a transparent proxy on port 53 does, until the test
// ends.
func captivePortal(t *testing.T) string {
	return loopbackServer(t, func(c net.Conn) {
		_ = c.SetDeadline(time.Now().Add(10 * time.Second))
		_, _ = c.Read(make([]byte, 512))
		_, _ = io.WriteString(c, "HTTP/1.1 302 Found\r\nLocation: http://portal.invalid/\r\nContent-Length: 0\r\n\r\n")
	})
}

// loopbackServer runs serve on every connection to a loopback TCP address,
// then closes it, until the test ends.
func loopbackServer(t *testing.T, serve func(net.Conn)) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				serve(c)
			}()
		}
	}()
	return ln.Addr().String()
}

// TestE2EStudio drives the studio page in headless Chromium: who may open
// it, the pickers on a machine without a camera, switching and Stop/Start
// while a watch page plays, and the network banner, offline behind a
// captive portal, which accepts the probe's connection but answers HTTP.
func TestE2EStudio(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t, "--probe", captivePortal(t))
	addUser(t, s.DataDir, adminUser, "admin", adminPassword)
	b := newBrowserTest(t, s, chromium, 120*time.Second)

	// A viewer is logged in but may not open the studio or use its API.
	b.do(15*time.Second, "open /login", chromedp.Navigate(s.URL+"/login"))
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("viewer login: %d", status)
	}
	if status := b.doResponse("open /studio as a viewer", chromedp.Navigate(s.URL+"/studio")); status != 403 {
		b.fatalf("viewer opening /studio: %d, want 403", status)
	}
	if code := evalIn[int](b, `fetch('/api/studio').then(r => r.status)`, chromedp.EvalAwaitPromise); code != 403 {
		b.fatalf("viewer calling /api/studio: %d, want 403", code)
	}
	b.do(10*time.Second, "log out", chromedp.Navigate(s.URL+"/"), chromedp.WaitVisible(chromedp.ID("logout")),
		chromedp.Click(chromedp.ID("logout")), chromedp.WaitVisible(chromedp.ID("login-form")))

	// Not logged in, /studio goes to the login form and back after it.
	b.do(15*time.Second, "open /studio", chromedp.Navigate(s.URL+"/studio"))
	if status := b.submitLogin(adminUser, adminPassword); status != 200 {
		b.fatalf("admin login: %d", status)
	}
	if loc := b.location(); loc != s.URL+"/studio" {
		b.fatalf("admin login ended on %s, want %s/studio", loc, s.URL)
	}
	deadline := time.Now().Add(20 * time.Second)
	b.waitJS(deadline, "the first snapshot", `window.llcastStudio && window.llcastStudio.snapshot`)

	// This machine has no camera: the picker says so, greyed out, and
	// offers the test picture, which is on air.
	noCamera := evalIn[bool](b, `[...document.querySelectorAll('#camera option')].some(o => o.disabled && o.textContent === 'No camera found')`)
	if !noCamera {
		b.fatalf("the camera picker has no disabled \"No camera found\" entry: %s",
			evalIn[string](b, `document.getElementById('camera').innerHTML`))
	}
	b.waitJS(deadline, "the test picture chosen and offered",
		`document.getElementById('camera').value === 'test' && document.getElementById('microphone').value === 'test'`)

	// The probe points at a captive portal: red banner, saying why.
	b.waitJS(deadline, "the offline warning naming what answered",
		`document.getElementById('network').dataset.state === 'offline' &&
		 document.getElementById('network-text').textContent.includes('Not connected to the internet') &&
		 document.getElementById('network-error').textContent.includes('a proxy answered HTTP')`)
	// The preview plays the stream.
	b.waitJS(deadline, "the preview playing", `window.llcastStudio.video.currentTime > 1`)

	// Switch the picture off and back while live: the stream stays up and
	// the preview keeps playing.
	for _, v := range []string{"none", "test"} {
		// Pick and fire change in one go, as a person's choice does: between
		// two separate steps the page's poll may put the picker back.
		b.do(10*time.Second, "choose "+v, chromedp.Evaluate[chromedp.Void](fmt.Sprintf(
			`(s => { s.value = %q; s.dispatchEvent(new Event('change')); })(document.getElementById('camera'))`, v)))
		b.waitJS(time.Now().Add(10*time.Second), "video "+v+" on air",
			fmt.Sprintf(`window.llcastStudio.snapshot.broadcast.video.kind === %q`, v))
	}
	t0 := evalIn[float64](b, `window.llcastStudio.video.currentTime`)
	b.waitJS(time.Now().Add(10*time.Second), "the preview still playing after the switches",
		fmt.Sprintf(`window.llcastStudio.video.currentTime > %f + 1`, t0))

	// Stop takes the stream away (404, which the watch page shows as
	// offline); Start brings it back and the watch page plays again.
	b.do(10*time.Second, "Stop", chromedp.Click(chromedp.ID("stop")))
	b.waitJS(time.Now().Add(10*time.Second), "the OFFLINE badge", `document.getElementById('live-badge').dataset.state === 'offline'`)
	if code := evalIn[int](b, `fetch('/live/main/index.m3u8', {cache: 'no-store'}).then(r => r.status)`, chromedp.EvalAwaitPromise); code != 404 {
		b.fatalf("after Stop the playlist answered %d, want 404", code)
	}
	b.do(10*time.Second, "Start", chromedp.Click(chromedp.ID("start")))
	b.waitJS(time.Now().Add(10*time.Second), "the LIVE badge", `document.getElementById('live-badge').dataset.state === 'live'`)
	b.waitJS(time.Now().Add(15*time.Second), "log lines on the studio page",
		`[...document.querySelectorAll('#log li')].some(li => li.textContent.includes('stream is offline'))`)
	b.do(20*time.Second, "open the stream list", chromedp.Navigate(s.URL+"/"))
	b.openWatch("main")
	b.waitJS(time.Now().Add(20*time.Second), "the watch page live", `window.llcast && window.llcast.state === 'live'`)
	t1 := evalIn[float64](b, `window.llcast.video.currentTime`)
	b.waitJS(time.Now().Add(15*time.Second), "the watch page playing after Stop and Start",
		fmt.Sprintf(`window.llcast.video.currentTime > %f + 2`, t1))
}

// TestE2EStudioNetworkOnline points the probe at a DNS responder on
// loopback: the studio shows the green banner.
func TestE2EStudioNetworkOnline(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t, "--probe", dnsResponder(t))
	addUser(t, s.DataDir, adminUser, "admin", adminPassword)
	b := newBrowserTest(t, s, chromium, 60*time.Second)
	b.do(15*time.Second, "open /studio", chromedp.Navigate(s.URL+"/studio"))
	if status := b.submitLogin(adminUser, adminPassword); status != 200 {
		b.fatalf("admin login: %d", status)
	}
	b.waitJS(time.Now().Add(20*time.Second), "the connected banner",
		`document.getElementById('network').dataset.state === 'online' &&
		 document.getElementById('network-text').textContent.includes('Connected')`)
}
