package main

import (
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// hlsWant is what a stream must be besides what the specifications ask.
type hlsWant struct {
	// LowLatency applies the LL-HLS rules: parts, blocking reload, preload
	// hints, delta updates, rendition reports.
	LowLatency bool
	// Width, Height and FPS are the configured picture; zero skips the
	// comparison with RESOLUTION and FRAME-RATE (the SPS is always compared).
	Width, Height int
	FPS           float64
	// MinVariants is how many EXT-X-STREAM-INF there must be. Apple 9.9 asks
	// for several bit rates; it defaults to 1.
	MinVariants int
}

// checkConformance checks the HLS stream at uri (a multivariant or a media
// playlist) against RFC 8216bis and Apple's HLS authoring specification:
// it fails the test when a MUST is broken and logs what only a SHOULD asks.
// The client must be allowed to read the stream (e.g. carry the cookie).
func checkConformance(t *testing.T, client *http.Client, uri string, want hlsWant) *hlsReport {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	r := inspectHLS(ctx, client, uri, want)
	switch {
	case r.broken(""):
		t.Errorf("%s is not conformant:\n%s", uri, r)
	case len(r.Findings) > 0:
		t.Logf("%s meets every MUST; SHOULDs it does not meet:\n%s", uri, r)
	}
	return r
}

// hlsChecker holds what one inspection fetched.
type hlsChecker struct {
	ctx    context.Context
	client *http.Client
	want   hlsWant
	r      *hlsReport
	base   *url.URL          // the URL inspected
	frame  time.Duration     // one video frame, the tolerance of durations
	texts  map[string]string // playlist URL → text, for the report
}

// inspectHLS fetches the stream's playlists, initialization sections,
// segments and parts and returns what breaks the rules.
func inspectHLS(ctx context.Context, client *http.Client, uri string, want hlsWant) *hlsReport {
	if want.MinVariants == 0 {
		want.MinVariants = 1
	}
	c := &hlsChecker{ctx: ctx, client: client, want: want, r: &hlsReport{}, texts: map[string]string{}}
	c.inspect(uri)
	for u, text := range c.texts {
		c.r.playlists = append(c.r.playlists, u+"\n"+text)
	}
	slices.Sort(c.r.playlists)
	return c.r
}

func (c *hlsChecker) inspect(uri string) {
	u, err := url.Parse(uri)
	if err != nil {
		c.r.must("fetch", "-", "bad URL %q: %v", uri, err)
		return
	}
	c.base = u
	text, pl, ok := c.playlist(u)
	c.texts[u.String()] = text
	if !ok {
		return
	}
	if media, isMedia := pl.(*playlist.Media); isMedia {
		rend := c.rendition(u, text, media)
		c.checkRenditions(nil, []*hlsRendition{rend})
		return
	}
	mv, ok := pl.(*playlist.Multivariant)
	if !ok {
		return
	}
	// BANDWIDTH describes the segments in the media playlists at the moment
	// the multivariant playlist was made: take the media playlists between
	// two fetches of it that agree, so that both describe the same window.
	var rends []*hlsRendition
	for range 5 {
		rends = c.renditions(u, mv)
		text2, pl2, ok := c.playlist(u)
		mv2, isMultivariant := pl2.(*playlist.Multivariant)
		if !ok || !isMultivariant {
			return
		}
		if text2 == text {
			break
		}
		text, mv = text2, mv2
		c.texts[u.String()] = text
	}
	c.checkMultivariant(u, text, mv)
	c.checkRenditions(mv, rends)
}

// renditions fetches every media playlist the multivariant playlist names.
func (c *hlsChecker) renditions(base *url.URL, mv *playlist.Multivariant) []*hlsRendition {
	var rends []*hlsRendition
	seen := map[string]bool{}
	add := func(uri string) {
		u := hlsResolve(base, uri)
		if seen[u.String()] {
			return
		}
		seen[u.String()] = true
		text, pl, ok := c.playlist(u)
		if text != "" {
			c.texts[u.String()] = text
		}
		if ok {
			media, isMedia := pl.(*playlist.Media)
			if !isMedia {
				c.r.must("playlist-type", "RFC 8216bis 4.1", "%s is not a media playlist", u)
				return
			}
			rends = append(rends, c.rendition(u, text, media))
		}
	}
	for _, v := range mv.Variants {
		add(v.URI)
	}
	for _, m := range mv.Renditions {
		if m.URI != nil && m.Type == playlist.MultivariantRenditionTypeAudio {
			add(*m.URI)
		}
	}
	return rends
}

// playlist fetches and parses a playlist, checking how it is delivered.
func (c *hlsChecker) playlist(u *url.URL) (string, playlist.Playlist, bool) {
	body, resp, err := c.get(u, true)
	if err != nil {
		c.r.must("fetch", "RFC 8216bis 6.2.1", "GET %s: %v", u, err)
		return "", nil, false
	}
	text := string(body)
	name := path.Base(u.Path)
	if resp.Header.Get("Content-Encoding") != "gzip" {
		c.r.must("gzip", "Apple HLS authoring 10.1", "%s is not delivered with gzip content-encoding", name)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/vnd.apple.mpegurl" && ct != "audio/mpegurl" {
		c.r.should("content-type", "Apple HLS authoring 10.4", "%s has Content-Type %q", name, ct)
	}
	if !strings.HasPrefix(text, "#EXTM3U") {
		c.r.must("extm3u", "RFC 8216bis 4.4.1.1", "%s does not start with #EXTM3U", name)
	}
	pl, err := playlist.Unmarshal(body)
	if err != nil {
		c.r.must("parse", "RFC 8216bis 4", "%s does not parse: %v", name, err)
		return text, nil, false
	}
	return text, pl, true
}

// get fetches u; with gzip set it asks for (and undoes) gzip encoding.
func (c *hlsChecker) get(u *url.URL, gz bool) ([]byte, *http.Response, error) {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, err
	}
	if gz {
		// Set by hand, the transport leaves the encoding visible.
		req.Header.Set("Accept-Encoding", "gzip")
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	var body io.Reader = resp.Body
	if resp.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(resp.Body)
		if err != nil {
			return nil, resp, err
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("status %d", resp.StatusCode)
	}
	if err == nil && len(b) == 0 {
		err = fmt.Errorf("empty body")
	}
	return b, resp, err
}

// hlsResolve returns ref relative to base.
func hlsResolve(base *url.URL, ref string) *url.URL {
	r, err := url.Parse(ref)
	if err != nil {
		return base.ResolveReference(&url.URL{Path: ref})
	}
	return base.ResolveReference(r)
}
