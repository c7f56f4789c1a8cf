package player

import (
	"bytes"
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

type loginData struct {
	Error    string
	Username string
	Next     string
}

type watchData struct {
	Stream   string
	Username string
	Title    string
	VOD      bool
}

type embedData struct {
	Stream, Title string
}

type streamSummary struct {
	Name, Title, Source, Kind, Watch string
	VOD, Live                        bool
	Viewers                          int
}

type streamListData struct {
	Username string
	Admin    bool
	Streams  []streamSummary
}

type noticeData struct {
	Title, Message, Username string
}

func render(t *testing.T, name string, data any) string {
	t.Helper()
	tmpl, err := Templates()
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	var buf bytes.Buffer
	if err := tmpl.ExecuteTemplate(&buf, name, data); err != nil {
		t.Fatalf("execute %s: %v", name, err)
	}
	return buf.String()
}

func TestTemplatesParse(t *testing.T) {
	tmpl, err := Templates()
	if err != nil {
		t.Fatalf("Templates: %v", err)
	}
	for _, name := range []string{"login.html", "watch.html", "embed.html", "studio.html", "streams.html", "notice.html"} {
		if tmpl.Lookup(name) == nil {
			t.Errorf("template %q not found", name)
		}
	}
}

func TestLoginRendersEscapedError(t *testing.T) {
	out := render(t, "login.html", loginData{
		Error:    `<script>alert("x")</script> bad credentials`,
		Username: `al"ice`,
	})
	for _, want := range []string{
		`id="login-form"`,
		`name="username"`,
		`name="password"`,
		`id="login-error"`,
		`&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; bad credentials`,
		`value="al&#34;ice"`,
		`Sign in`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("login page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `<script>alert`) {
		t.Errorf("error message not escaped:\n%s", out)
	}
}

func TestLoginWithoutError(t *testing.T) {
	out := render(t, "login.html", loginData{})
	if strings.Contains(out, `login-error`) {
		t.Errorf("login page shows an error element without an error:\n%s", out)
	}
	if !strings.Contains(out, `id="login-form"`) {
		t.Errorf("login page lacks the form:\n%s", out)
	}
}

func TestWatchRenders(t *testing.T) {
	out := render(t, "watch.html", watchData{Stream: "main", Username: "alice"})
	for _, want := range []string{
		`/live/main/index.m3u8`,
		`id="video"`,
		`id="status"`,
		`id="latency"`,
		`id="unmute"`,
		`id="logout"`,
		`action="/logout"`,
		`alice`,
		// The stream-link panel (watch.js and the browser tests use these).
		`<button id="link-open"`,
		`<dialog id="link-panel"`,
		`<input id="link-url" type="text" readonly`,
		`<img id="link-qr"`,
		`id="link-expires"`,
		`<button id="link-copy"`,
		`id="link-error"`,
		`<button id="link-close"`,
		`data-vod="false"`,
		`data-stream="main"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("watch page lacks %q:\n%s", want, out)
		}
	}
	if vod := render(t, "watch.html", watchData{Stream: "film", Username: "alice", VOD: true}); !strings.Contains(vod, `data-vod="true"`) ||
		!strings.Contains(vod, `data-src="/live/film/index.m3u8"`) {
		t.Errorf("a VOD watch page lacks data-vod=\"true\" or its playlist:\n%s", vod)
	}
	if !regexp.MustCompile(`<video id="video"[^>]*\bmuted\b`).MatchString(out) {
		t.Errorf("video must start muted so autoplay works:\n%s", out)
	}
	// The QR code comes as a data: URL in the API's answer; a src in the
	// page would be a request for a URL.
	if regexp.MustCompile(`<img id="link-qr"[^>]*\bsrc=`).MatchString(out) {
		t.Errorf("#link-qr must have no src until a link is made:\n%s", out)
	}
}

// The ids and attributes browser tests of the studio rely on.
func TestStudioRenders(t *testing.T) {
	out := render(t, "studio.html", watchData{Stream: "main", Username: `al<i>ce`})
	for _, want := range []string{
		`data-src="/live/main/index.m3u8"`,
		`id="live-badge"`,
		`id="connection"`,
		`id="studio-error"`,
		`id="studio-error-text"`,
		`id="network"`,
		`id="preview"`,
		`id="preview-message"`,
		`id="start"`,
		`id="stop"`,
		`id="uptime"`,
		`<select id="camera"`,
		`<select id="microphone"`,
		`id="video-status"`,
		`id="audio-status"`,
		`id="viewers"`,
		`id="fps-in"`,
		`id="fps-out"`,
		`id="video-kbps"`,
		`id="audio-kbps"`,
		`id="dropped"`,
		`id="addresses"`,
		`id="links-panel"`,
		`<tbody id="links">`,
		`id="links-revoke-all"`,
		`id="links-empty"`,
		`id="log"`,
		`id="watch-link" class="btn-ghost" href="/watch/main"`,
		// The streams panel (studio_streams.js uses these).
		`id="streams-panel"`,
		`<ul id="stream-cards"`,
		`id="streams-error"`,
		`id="streams-none"`,
		`<form id="stream-add"`,
		`<input id="stream-add-name"`,
		`<input id="stream-add-file"`,
		`<input id="stream-add-title-text" name="title" type="text" maxlength="100"`,
		`<input id="stream-add-vod" name="vod" type="checkbox"`,
		`<button id="stream-add-submit" type="submit"`,
		`id="stream-add-error"`,
		`id="logout"`,
		`action="/logout"`,
		`al&lt;i&gt;ce`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("studio page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, `al<i>ce`) {
		t.Errorf("user name not escaped:\n%s", out)
	}
	if !regexp.MustCompile(`<video id="preview"[^>]*\bmuted\b`).MatchString(out) {
		t.Errorf("the preview must be muted so autoplay works:\n%s", out)
	}
	hls := strings.Index(out, `<script src="/assets/vendor/hls.min.js" defer></script>`)
	studio := strings.Index(out, `<script src="/assets/studio.js" defer></script>`)
	if hls < 0 || studio < hls {
		t.Errorf("hls.min.js and then studio.js must load, both deferred:\n%s", out)
	}
	if !strings.Contains(out, `<script src="/assets/studio_streams.js" defer></script>`) {
		t.Errorf("studio_streams.js must load, deferred:\n%s", out)
	}
}

func TestStreamListRenders(t *testing.T) {
	streams := []streamSummary{
		{Name: "main", Title: "Sunday <b>service</b>", Source: "local", Kind: "Camera / test", Watch: "/watch/main", Live: true, Viewers: 1},
		{Name: "film", Source: "file", Kind: "On demand", Watch: "/watch/film", VOD: true, Live: true, Viewers: 2},
		{Name: "stage", Source: "push", Kind: "Push", Watch: "/watch/stage"},
	}
	for _, c := range []struct {
		name    string
		data    streamListData
		want    []string
		notWant []string
	}{
		{"streams", streamListData{Username: `al<i>ce`, Streams: streams}, []string{
			`<ul id="streams"`,
			`<li class="stream-card" data-stream="main" data-live="true" data-vod="false">`,
			`<a class="stream-card-link" href="/watch/main">`,
			`<span class="stream-title">main</span>`,
			`<span class="stream-subtitle">Sunday &lt;b&gt;service&lt;/b&gt;</span>`,
			`<span class="stream-subtitle" hidden></span>`,
			`data-state="live">Live</span>`,
			`1 viewer</span>`,
			`data-stream="film" data-live="true" data-vod="true"`,
			`data-state="live">Ready</span>`,
			`2 viewers</span>`,
			`data-stream="stage" data-live="false"`,
			`data-state="offline">Offline</span>`,
			`<span class="stream-kind">Push</span>`,
			`id="streams-empty" class="streams-empty" hidden`,
			`al&lt;i&gt;ce`,
			`id="logout"`,
			`<script src="/assets/streams.js" defer></script>`,
		}, []string{`al<i>ce`, `id="studio-link"`}},
		{"none, viewer", streamListData{Username: "alice"}, []string{
			`id="streams-empty" class="streams-empty">`, "No streams to watch yet.", "Ask an admin",
		}, []string{`class="stream-card"`, "studio"}},
		{"none, admin", streamListData{Username: "root", Admin: true}, []string{
			`id="streams-empty" class="streams-empty">`, `Add one in the <a href="/studio">studio</a>`,
			`<a id="studio-link" class="btn-ghost" href="/studio">`,
		}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			out := render(t, "streams.html", c.data)
			for _, want := range c.want {
				if !strings.Contains(out, want) {
					t.Errorf("stream list lacks %q:\n%s", want, out)
				}
			}
			for _, bad := range c.notWant {
				if strings.Contains(out, bad) {
					t.Errorf("stream list has %q:\n%s", bad, out)
				}
			}
		})
	}
}

func TestNoticeRenders(t *testing.T) {
	out := render(t, "notice.html", noticeData{Title: "Forbidden", Message: `You may not watch "<b>x</b>".`})
	for _, want := range []string{`<h1 id="notice-title">Forbidden</h1>`, `&#34;&lt;b&gt;x&lt;/b&gt;&#34;`, `href="/"`} {
		if !strings.Contains(out, want) {
			t.Errorf("notice lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<b>x</b>") {
		t.Errorf("message not escaped:\n%s", out)
	}
}

var (
	scriptSrc = regexp.MustCompile(`<script\b[^>]*\bsrc="([^"]*)"`)
	linkHref  = regexp.MustCompile(`<link\b[^>]*\bhref="([^"]*)"`)
	imgSrc    = regexp.MustCompile(`<img\b[^>]*\bsrc="([^"]*)"`)
	// Things the server's CSP (default-src 'self', no 'unsafe-inline') would block.
	scriptTag     = regexp.MustCompile(`(?is)<script\b([^>]*)>(.*?)</script>`)
	inlineStyle   = regexp.MustCompile(`<style\b|\sstyle="`)
	inlineHandler = regexp.MustCompile(`\son[a-z]+="`)
)

func TestTemplateAssetsExist(t *testing.T) {
	if !HasHLSJS() {
		t.Fatal("assets/vendor/hls.min.js is missing: run `make build` (npm ci + copy hls.min.js)")
	}
	assets := Assets()
	pages := map[string]string{
		"login.html":  render(t, "login.html", loginData{Error: "x", Username: "u"}),
		"watch.html":  render(t, "watch.html", watchData{Stream: "main", Username: "u"}),
		"embed.html":  render(t, "embed.html", embedData{Stream: "main"}),
		"studio.html": render(t, "studio.html", watchData{Stream: "main", Username: "u"}),
		"streams.html": render(t, "streams.html", streamListData{Username: "u", Streams: []streamSummary{
			{Name: "main", Kind: "Camera / test", Watch: "/watch/main", Live: true},
		}}),
		"notice.html": render(t, "notice.html", noticeData{Title: "t", Message: "m"}),
	}
	for name, out := range pages {
		var refs []string
		for _, re := range []*regexp.Regexp{scriptSrc, linkHref, imgSrc} {
			for _, m := range re.FindAllStringSubmatch(out, -1) {
				refs = append(refs, m[1])
			}
		}
		if len(refs) == 0 {
			t.Errorf("%s: no asset references found", name)
		}
		for _, ref := range refs {
			p, ok := strings.CutPrefix(ref, "/assets/")
			if !ok {
				t.Errorf("%s: %q is not under /assets/", name, ref)
				continue
			}
			if _, err := fs.Stat(assets, p); err != nil {
				t.Errorf("%s: %q does not exist in Assets(): %v", name, ref, err)
			}
		}
		if n := strings.Count(strings.ToLower(out), "<script"); n != len(scriptTag.FindAllString(out, -1)) {
			t.Errorf("%s: unbalanced <script> tags", name)
		}
		for _, m := range scriptTag.FindAllStringSubmatch(out, -1) {
			if !strings.Contains(m[1], "src=") || strings.TrimSpace(m[2]) != "" {
				t.Errorf("%s: inline script (blocked by CSP): %q", name, m[0])
			}
		}
		if loc := inlineStyle.FindStringIndex(out); loc != nil {
			t.Errorf("%s: inline style (blocked by CSP) at %q", name, out[loc[0]:])
		}
		if loc := inlineHandler.FindStringIndex(out); loc != nil {
			t.Errorf("%s: inline event handler (blocked by CSP) at %q", name, out[loc[0]:])
		}
	}
}

func TestAssetsFS(t *testing.T) {
	for _, p := range []string{"style.css", "player.js", "watch.js", "embed.js", "studio.js", "studio_streams.js", "streams.js", "logo.svg"} {
		if _, err := fs.Stat(Assets(), p); err != nil {
			t.Errorf("Assets() lacks %s: %v", p, err)
		}
	}
}
