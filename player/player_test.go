package player

import (
	"regexp"
	"strings"
	"testing"
)

// playerIDs are the parts of the player box that player.js and the
// browser tests use.
var playerIDs = []string{
	`<div id="player" class="player" data-state="loading" data-live="false" data-behind="false">`,
	`id="video"`, `id="poster"`, `id="poster-title"`, `id="unmute"`, `id="message"`,
	`<div id="controls" class="player-controls" hidden>`,
	`<button id="play-pause" type="button"`, `<button id="mute" type="button"`,
	`<input id="volume" class="volume" type="range"`,
	`<button id="live" type="button" class="live-badge" data-behind="false"`,
	`<button id="fullscreen" type="button"`,
}

// videoTag finds the <video> element's start tag.
var videoTag = regexp.MustCompile(`<video id="video"[^>]*>`)

// TestPlayerLiveControls: the player box is on the watch and embed pages;
// the video carries no native controls (a live stream would show as a
// clip, "0:09 / 0:10"): player.js gives them to files on demand only.
func TestPlayerLiveControls(t *testing.T) {
	pages := map[string]string{
		"watch": render(t, "watch.html", watchData{Stream: "main", Username: "u"}),
		"vod":   render(t, "watch.html", watchData{Stream: "film", Username: "u", VOD: true}),
		"embed": render(t, "embed.html", embedData{Stream: "main"}),
	}
	for name, out := range pages {
		for _, want := range playerIDs {
			if !strings.Contains(out, want) {
				t.Errorf("%s page lacks %q", name, want)
			}
		}
		tag := videoTag.FindString(out)
		if tag == "" || regexp.MustCompile(`\bcontrols\b`).MatchString(tag) || !strings.Contains(tag, "muted") {
			t.Errorf("%s page: video tag %q must be muted (autoplay) and without controls", name, tag)
		}
		hls := strings.Index(out, `<script src="/assets/vendor/hls.min.js" defer></script>`)
		core := strings.Index(out, `<script src="/assets/player.js" defer></script>`)
		if hls < 0 || core < hls {
			t.Errorf("%s page: hls.min.js and then player.js must load, deferred", name)
		}
	}
	if watch := pages["watch"]; strings.Index(watch, `/assets/watch.js`) < strings.Index(watch, `/assets/player.js`) {
		t.Error("watch.js must load after player.js")
	}
	if embed := pages["embed"]; strings.Index(embed, `/assets/embed.js`) < strings.Index(embed, `/assets/player.js`) ||
		strings.Contains(embed, "topbar") || strings.Contains(embed, "logout") {
		t.Errorf("the embed page must be the player alone, embed.js after player.js:\n%s", embed)
	}
}

// TestWatchTitle: the title is text, in the header, the poster and the
// document title; without one, the poster names the stream.
func TestWatchTitle(t *testing.T) {
	out := render(t, "watch.html", watchData{Stream: "main", Username: "u", Title: `Mass <img src=x onerror=alert(1)> & "more"`})
	for _, want := range []string{
		`<h1 id="title" class="watch-title">Mass &lt;img src=x onerror=alert(1)&gt; &amp; &#34;more&#34;</h1>`,
		`<p id="poster-title" class="poster-title">Mass &lt;img`,
		`<title>Mass &lt;img src=x onerror=alert(1)&gt; &amp; &#34;more&#34; · main · llcast</title>`,
		`<span id="viewers" class="viewers tabular"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("watch page lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "<img src=x") {
		t.Errorf("the title is not escaped:\n%s", out)
	}
	plain := render(t, "watch.html", watchData{Stream: "main", Username: "u"})
	for _, want := range []string{`<h1 id="title" class="watch-title" hidden></h1>`, `<p id="poster-title" class="poster-title">main</p>`,
		`<title>main · llcast</title>`} {
		if !strings.Contains(plain, want) {
			t.Errorf("watch page without a title lacks %q", want)
		}
	}
}
