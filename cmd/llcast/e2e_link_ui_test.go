package main

import (
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// linkShown is what the watch page's link panel shows.
type linkShown struct {
	ID      string `json:"id"`
	URL     string `json:"url"`     // window.llcast.link.url
	Field   string `json:"field"`   // #link-url
	QR      string `json:"qr"`      // #link-qr's src
	Expires string `json:"expires"` // #link-expires
	Leaked  bool   `json:"leaked"`  // a request of the page carried the token
}

const linkShownJS = `(() => {
	const l = window.llcast.link, $ = (id) => document.getElementById(id);
	const token = l.url.slice(l.url.indexOf('token=') + 'token='.length);
	return {id: l.id, url: l.url, field: $('link-url').value, qr: $('link-qr').src,
		expires: $('link-expires').textContent,
		leaked: performance.getEntriesByType('resource').some((e) => e.name.includes(token))};
})()`

// TestE2ELinkUI: a viewer makes a stream link on the watch page, which
// plays without a session; an admin revokes it in the studio, and it
// stops working.
func TestE2ELinkUI(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	addUser(t, s.DataDir, adminUser, "admin", adminPassword)
	b := newBrowserTest(t, s, chromium, 60*time.Second) // ≈ 10 s, 30 s with -race

	b.do(15*time.Second, "open /", chromedp.Navigate(s.URL+"/"))
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("viewer login: %d", status)
	}
	b.openWatch("main")
	b.do(10*time.Second, "open the link panel", chromedp.WaitVisible(chromedp.ID("link-open")),
		chromedp.Click(chromedp.ID("link-open")))
	b.waitJS(time.Now().Add(10*time.Second), "a link and its QR code in the panel",
		`window.llcast.link && document.getElementById('link-panel').open &&
		 !document.getElementById('link-body').hidden && document.getElementById('link-error').hidden &&
		 document.getElementById('link-qr').complete && document.getElementById('link-qr').naturalWidth > 0`)
	got := evalIn[linkShown](b, linkShownJS)
	if !strings.HasPrefix(got.URL, s.URL+"/live/main/index.m3u8?token=") || got.Field != got.URL {
		b.fatalf("the panel shows %q, window.llcast.link.url is %q; want %s/live/main/index.m3u8?token=… in both",
			got.Field, got.URL, s.URL)
	}
	if !strings.HasPrefix(got.QR, "data:image/png;base64,") {
		b.fatalf("#link-qr's src is %.40q…, want a data:image/png URL", got.QR)
	}
	if got.Leaked {
		b.fatalf("the page sent the link's token in a request")
	}
	if strings.TrimSpace(got.Expires) == "" || got.ID == "" {
		b.fatalf("the link has id %q and #link-expires reads %q", got.ID, got.Expires)
	}

	// The link plays with no cookie at all.
	body := getPlaylist(t, got.URL)
	if !strings.HasPrefix(body, "#EXTM3U") {
		b.fatalf("GET of the link without a cookie answered:\n%s", body)
	}

	b.do(5*time.Second, "close the panel", chromedp.Click(chromedp.ID("link-close")))
	if evalIn[bool](b, `document.getElementById('link-panel').open`) {
		b.fatalf("#link-close left the panel open")
	}
	// The viewer count appears after the page's first poll and moves the
	// top bar's buttons once; click after it did, where a person would.
	b.waitJS(time.Now().Add(10*time.Second), "the viewer count shown", `!document.getElementById('viewers').hidden`)
	if status := b.doResponse("log out", chromedp.Click(chromedp.ID("logout"))); status != 200 {
		b.fatalf("log out: %d", status)
	}

	// The admin revokes it in the studio.
	b.do(15*time.Second, "open /studio", chromedp.Navigate(s.URL+"/studio"))
	if status := b.submitLogin(adminUser, adminPassword); status != 200 {
		b.fatalf("admin login: %d", status)
	}
	row := fmt.Sprintf(`#links tr[data-link-id=%q]`, got.ID)
	b.waitJS(time.Now().Add(10*time.Second), "the link listed as active",
		fmt.Sprintf(`document.querySelector('%s[data-state="active"] .link-revoke')`, row))
	if evalIn[bool](b, `document.getElementById('links-revoke-all').disabled`) {
		b.fatalf("#links-revoke-all is disabled with an active link")
	}
	b.do(5*time.Second, "revoke", chromedp.Click(chromedp.CSS(row+" .link-revoke")))
	b.waitJS(time.Now().Add(5*time.Second), "the link listed as revoked",
		fmt.Sprintf(`document.querySelector('%s[data-state="revoked"]') && !document.querySelector('%s .link-revoke') &&
		 document.getElementById('links-revoke-all').disabled`, row, row))
	if code := status(t, got.URL); code != http.StatusUnauthorized {
		b.fatalf("the revoked link answered %d, want 401", code)
	}
	if c := b.console.String(); strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Uncaught") {
		b.fatalf("console errors:\n%s", c)
	}
}

// getPlaylist GETs url with no cookie until it answers 200 (the stream
// may not have its first segment yet) and returns the body.
func getPlaylist(t *testing.T, url string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for {
		resp, err := http.Get(url)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatal(err)
		}
		if resp.StatusCode == http.StatusOK {
			return string(body)
		}
		if resp.StatusCode != http.StatusNotFound || time.Now().After(deadline) {
			t.Fatalf("GET of the link without a cookie: %d %s", resp.StatusCode, body)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
