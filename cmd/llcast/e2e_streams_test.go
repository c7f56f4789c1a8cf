package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// playedJS installs window.playedSince: the seconds of media the watch
// page plays from now on. Steps of a second or more are seeks or jumps
// (a restarted player starts elsewhere), not playback, and do not count.
const playedJS = `(() => {
	const v = window.llcast.video;
	let last = v.currentTime;
	window.playedSince = 0;
	setInterval(() => {
		const d = v.currentTime - last;
		if (d > 0 && d < 1 && !v.paused) window.playedSince += d;
		last = v.currentTime;
	}, 100);
	return true;
})()`

// streamCountsJS asks /api/streams, as the page's session, for each
// stream's state: {name: {live, viewers}}.
const streamCountsJS = `fetch('/api/streams', {cache: 'no-store'}).then((r) => r.json()).then((list) =>
	Object.fromEntries(list.map((s) => [s.name, {live: s.live, viewers: s.viewers}])))`

// streamCount is one stream's entry in streamCountsJS's answer.
type streamCount struct {
	Live    bool `json:"live"`
	Viewers int  `json:"viewers"`
}

// TestE2EStreams: main (the test source) and stage (ffmpeg over RTMP) are
// live at once, each with its own viewers, and / lists both; Chromium
// plays /watch/stage while another session reads main. Then the publisher
// is killed and comes back, and the page plays on by itself.
func TestE2EStreams(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	info := addStream(t, s, "stage")
	url := publishURL(t, s, "rtmp", "stage", info.Key)
	first := startFFmpegPush(t, "rtmp", url, 2*time.Minute)
	b := newBrowserTest(t, s, chromium, 100*time.Second) // ≈ 25 s, 40 s with -race

	b.do(15*time.Second, "open /", chromedp.Navigate(s.URL+"/"))
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("login: %d", status)
	}
	waitLog(t, s, "the stream is live")
	// The page polls /api/streams: stage turns live on it by itself.
	b.waitJS(time.Now().Add(20*time.Second), "main and stage listed as live",
		`['main', 'stage'].every((n) => {
			const li = document.querySelector('#streams .stream-card[data-stream="' + n + '"]');
			return li && li.dataset.live === 'true' && li.querySelector('.stream-state').textContent === 'Live';
		})`)

	// (a) Chromium plays stage while another session reads main.
	b.openWatch("stage")
	deadline := time.Now().Add(25 * time.Second)
	b.waitJS(deadline, "stage live", `window.llcast && window.llcast.state === 'live'`)
	t0 := b.evalFloat(`window.llcast.video.currentTime`)
	b.waitJS(deadline, "stage playing 2 s", fmt.Sprintf(`window.llcast.video.currentTime >= %f + 2`, t0))
	b.waitJS(deadline, "ffmpeg's 640x360 picture",
		`window.llcast.video.videoWidth === 640 && window.llcast.video.videoHeight === 360`)
	if got := evalIn[string](b, `document.body.dataset.src`); got != "/live/stage/index.m3u8" {
		b.fatalf("/watch/stage plays %s", got)
	}
	if body := playlistWithSession(t, s.URL+"/live/main/index.m3u8", s.login(t)); !strings.HasPrefix(body, "#EXTM3U") {
		b.fatalf("main's playlist for another session:\n%s", body)
	}
	counts := evalIn[map[string]streamCount](b, streamCountsJS, chromedp.EvalAwaitPromise)
	if !counts["main"].Live || !counts["stage"].Live || counts["main"].Viewers < 1 || counts["stage"].Viewers < 1 {
		b.fatalf("/api/streams says %+v: want main and stage live, each with a viewer", counts)
	}
	// The link dialog makes a link for this stream.
	b.do(10*time.Second, "make a link", chromedp.Click(chromedp.ID("link-open")))
	b.waitJS(time.Now().Add(10*time.Second), "a link", `window.llcast.link && !document.getElementById('link-body').hidden`)
	if u := evalIn[string](b, `window.llcast.link.url`); !strings.HasPrefix(u, s.URL+"/live/stage/index.m3u8?token=") {
		b.fatalf("the link on /watch/stage is %s, want one for stage", u)
	}
	b.do(5*time.Second, "close the link panel", chromedp.Click(chromedp.ID("link-close")))
	t1 := b.evalFloat(`window.llcast.video.currentTime`)
	b.waitJS(time.Now().Add(10*time.Second), "stage still playing", fmt.Sprintf(`window.llcast.video.currentTime >= %f + 1`, t1))

	// (b) The publisher drops and comes back: the page plays on, or
	// resumes on its own.
	first.kill()
	waitLog(t, s, "publisher left")
	time.Sleep(2 * time.Second) // the publisher is away, as after a network drop
	startFFmpegPush(t, "rtmp", url, 2*time.Minute)
	evalIn[bool](b, playedJS)
	waitLog(t, s, "publisher is back")
	b.waitJS(time.Now().Add(30*time.Second), "stage playing 2 s after the publisher came back",
		`window.llcast.state === 'live' && window.playedSince >= 2`)
	if c := b.console.String(); strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Uncaught") {
		b.fatalf("console errors:\n%s", c)
	}
}

// TestE2EStreamsStudio: an admin adds a push stream in the studio, pushes
// to the URL it reveals, sees the publisher, stops it, rotates the key and
// removes the stream.
func TestE2EStreamsStudio(t *testing.T) {
	chromium := chromiumPath(t)
	s := startServer(t)
	addUser(t, s.DataDir, adminUser, "admin", adminPassword)
	b := newBrowserTest(t, s, chromium, 100*time.Second)
	b.do(15*time.Second, "open /studio", chromedp.Navigate(s.URL+"/studio"))
	if status := b.submitLogin(adminUser, adminPassword); status != 200 {
		b.fatalf("admin login: %d", status)
	}
	card := func(name string) string { return fmt.Sprintf(`#stream-cards .stream-admin[data-stream=%q]`, name) }
	b.waitJS(time.Now().Add(15*time.Second), "main listed", `document.querySelector('`+card("main")+`')`)

	b.do(10*time.Second, "add stage",
		chromedp.SetValue(chromedp.ID("stream-add-name"), "stage"),
		chromedp.Click(chromedp.ID("stream-add-submit")))
	stage := card("stage")
	b.waitJS(time.Now().Add(10*time.Second), "stage listed with its publish URLs",
		`document.querySelector('`+stage+` .publish-value[data-field="rtmp"]')`)
	shown := func(field string) string {
		return evalIn[string](b, `document.querySelector('`+stage+` .publish-value[data-field="`+field+`"]').textContent`)
	}
	hidden := shown("rtmp")
	if !strings.HasPrefix(hidden, "rtmp://") || !strings.Contains(hidden, "key=••••••••") {
		b.fatalf("before Reveal the RTMP URL reads %q, want the key masked", hidden)
	}
	b.do(5*time.Second, "reveal", chromedp.Click(chromedp.CSS(stage+" .publish-reveal")))
	url, key := shown("rtmp"), shown("obs_key")
	if !strings.HasPrefix(url, "rtmp://127.0.0.1:") || !strings.HasSuffix(url, "/live/"+key) || !strings.HasPrefix(key, "stage?key=") {
		b.fatalf("revealed: RTMP %q, OBS Stream Key %q", url, key)
	}
	if hint := b.text(stage + " .obs-hint"); !strings.Contains(hint, "Keyframe Interval 1 s") || !strings.Contains(hint, "Custom") {
		b.fatalf("the OBS hint reads %q", hint)
	}

	p := startFFmpegPush(t, "rtmp", url, 2*time.Minute)
	b.waitJS(time.Now().Add(30*time.Second), "the publisher in the studio",
		`(() => {
			const li = document.querySelector('`+stage+`');
			const f = (n) => li.querySelector('.publisher-stats dd[data-field="' + n + '"]').textContent;
			return li.dataset.live === 'true' && li.dataset.connected === 'true' && f('protocol') === 'RTMP' &&
				f('remote').startsWith('127.0.0.1:') && /^(2[5-9]|3[0-5])$/.test(f('fps')) && / kbit\/s$/.test(f('bitrate')) &&
				/^1\.0[0-9] s$/.test(f('keyframe')) && /^0:0[0-9]$/.test(f('uptime')) &&
				li.querySelector('.keyframe-warning').hidden;
		})()`)

	b.do(5*time.Second, "stop the publisher", chromedp.Click(chromedp.CSS(stage+" .publisher-stop")))
	if err := p.wait(t, 20*time.Second); err == nil {
		b.fatalf("ffmpeg ended well after Stop; it should have lost its connection")
	}
	waitLog(t, s, "publisher stopped from the studio")
	b.waitJS(time.Now().Add(10*time.Second), "no publisher",
		`document.querySelector('`+stage+`').dataset.connected === 'false' &&
		 !document.querySelector('`+stage+` .publisher-none').hidden`)

	// Rotate and Remove ask for a second click.
	rotate := chromedp.Click(chromedp.CSS(stage + " .publish-rotate"))
	b.do(5*time.Second, "rotate, first click", rotate)
	if shown("obs_key") != key {
		b.fatalf("one click on Rotate changed the key")
	}
	b.do(5*time.Second, "rotate, second click", rotate)
	b.waitJS(time.Now().Add(10*time.Second), "a new key",
		fmt.Sprintf(`(() => { const v = document.querySelector('%s .publish-value[data-field="obs_key"]');
			return v && v.textContent !== %q && v.textContent.startsWith('stage?key=') && !v.textContent.includes('•'); })()`, stage, key))
	remove := chromedp.Click(chromedp.CSS(stage + " .stream-remove"))
	b.do(5*time.Second, "remove, first click", remove)
	b.do(5*time.Second, "remove, second click", remove)
	b.waitJS(time.Now().Add(10*time.Second), "stage gone", `!document.querySelector('`+stage+`')`)
	if out := runOut(t, "stream", "list", "--data", s.DataDir); strings.Contains(out, "stage") {
		b.fatalf("stage is still in the store:\n%s", out)
	}
	if c := b.console.String(); strings.Contains(c, "Content Security Policy") || strings.Contains(c, "Uncaught") {
		b.fatalf("console errors:\n%s", c)
	}
}

// runOut runs llcast with args and returns what it printed.
func runOut(t *testing.T, args ...string) string {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), args, nil, &out, io.Discard); err != nil {
		t.Fatalf("llcast %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

// TestE2EStreamsGrants: a user limited to main may open main's watch page
// and gets 403 on stage's.
func TestE2EStreamsGrants(t *testing.T) {
	s := startServer(t)
	addStream(t, s, "stage")
	if err := run(context.Background(), []string{"user", "add", "bob", "--streams", "main", "--password-stdin", "--data", s.DataDir},
		strings.NewReader(testPassword+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	bob := loginAt(t, s.URL, "bob", testPassword)
	alice := s.login(t) // all streams
	for _, c := range []struct {
		who, token, path string
		want             int
	}{
		{"bob", bob, "/watch/main", http.StatusOK},
		{"bob", bob, "/watch/stage", http.StatusForbidden},
		{"bob", bob, "/watch/nope", http.StatusForbidden},
		{"alice", alice, "/watch/stage", http.StatusOK},
		{"alice", alice, "/watch/nope", http.StatusNotFound},
		{"nobody", "", "/watch/main", http.StatusSeeOther},
	} {
		code, body := pageStatus(t, s.URL+c.path, c.token)
		if code != c.want {
			t.Errorf("GET %s as %s: %d, want %d\n%s", c.path, c.who, code, c.want, body)
		}
		if c.want == http.StatusForbidden && !strings.Contains(body, "You may not watch") {
			t.Errorf("GET %s as %s: the page does not say why:\n%s", c.path, c.who, body)
		}
	}
	// The list shows bob only main.
	_, list := pageStatus(t, s.URL+"/", bob)
	if !strings.Contains(list, `data-stream="main"`) || strings.Contains(list, `data-stream="stage"`) {
		t.Errorf("bob's stream list:\n%s", list)
	}
}

// playlistWithSession GETs a playlist with the session token until it
// answers 200 (the stream may not have its first segment yet).
func playlistWithSession(t *testing.T, target, token string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		code, body := pageStatus(t, target, token)
		if code == http.StatusOK {
			return body
		}
		if code != http.StatusNotFound || time.Now().After(deadline) {
			t.Fatalf("GET %s: %d %s", target, code, body)
		}
	}
}

// TestE2EStreamsVOD: a file served on demand plays on its watch page like
// a video: a finite duration, seeking, no live-edge steering.
func TestE2EStreamsVOD(t *testing.T) {
	chromium := chromiumPath(t)
	clip := filepath.Join(t.TempDir(), "film.mp4")
	makeClip(t, clip, 12)
	s := startServer(t)
	addStream(t, s, "film", "--file", clip, "--vod")
	b := newBrowserTest(t, s, chromium, 60*time.Second)
	b.do(15*time.Second, "open /", chromedp.Navigate(s.URL+"/"))
	if status := b.submitLogin(testUser, testPassword); status != 200 {
		b.fatalf("login: %d", status)
	}
	b.waitJS(time.Now().Add(15*time.Second), "film listed as ready",
		`(() => { const li = document.querySelector('#streams .stream-card[data-stream="film"]');
			return li && li.dataset.live === 'true' && li.querySelector('.stream-state').textContent === 'Ready'; })()`)
	b.openWatch("film")
	deadline := time.Now().Add(20 * time.Second)
	b.waitJS(deadline, "film playing on demand",
		`window.llcast.vod && window.llcast.state === 'live' && document.getElementById('status').textContent === 'On demand' &&
		 window.llcast.video.currentTime > 0.5 && Math.abs(window.llcast.video.duration - 12) < 0.5`)
	if evalIn[bool](b, `window.llcast.video.playbackRate !== 1 || !window.llcast.video.controls`) {
		b.fatalf("on demand the page must play at normal speed with the controls shown")
	}
	b.do(5*time.Second, "seek to 8 s", chromedp.Evaluate[chromedp.Void](`window.llcast.video.currentTime = 8`))
	b.waitJS(time.Now().Add(15*time.Second), "playing from 8 s",
		`!window.llcast.video.seeking && window.llcast.video.currentTime > 8.5 && window.llcast.video.currentTime < 12`)
	// The end of the file is no broadcast going offline: nothing restarts.
	b.waitJS(time.Now().Add(15*time.Second), "the end of the film",
		`window.llcast.video.ended && document.getElementById('status').textContent === 'Ended' && window.llcast.state !== 'offline'`)
}
