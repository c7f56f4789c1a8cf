package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// follower follows a live LL-HLS stream the way a low-latency player does:
// the multivariant playlist, then for each media playlist (video, audio)
// the init file and, from the live edge on, every new part and segment
// once, learning of them with blocking playlist reloads (_HLS_msn,
// _HLS_part, and _HLS_skip=YES when offered), like hls.js; like hls.js it
// does not use preload hints. It is the
// load of the proxy bench; the end-to-end tests have a copy
// (cmd/llcast/hls_follower_test.go) since a test cannot import a command.
//
// For each part it notes the delivery delay: when the part had arrived
// minus when its media ended, by the playlist's PROGRAM-DATE-TIME (the
// capture clock, this machine's): what segmenting, the blocking reload and
// the fetch, through a proxy or not, add to a player's latency.
type follower struct {
	client *http.Client // carries the session cookie
	url    string       // the multivariant playlist

	mu         sync.Mutex // guards what follows
	parts      int
	segments   int
	playlists  int
	failures   int
	partDelays []float64 // ms
}

// run follows until ctx ends and returns the first error that is not
// ctx's own.
func (f *follower) run(ctx context.Context) error {
	mvURL, err := url.Parse(f.url)
	if err != nil {
		return err
	}
	body, err := f.get(ctx, mvURL)
	if err != nil {
		return err
	}
	pl, err := playlist.Unmarshal(body)
	if err != nil {
		return err
	}
	mv, ok := pl.(*playlist.Multivariant)
	if !ok {
		return fmt.Errorf("%s is not a multivariant playlist", mvURL.Path)
	}
	var uris []string
	for _, v := range mv.Variants {
		uris = append(uris, v.URI)
	}
	for _, r := range mv.Renditions {
		if r.URI != nil {
			uris = append(uris, *r.URI)
		}
	}
	errs := make(chan error, len(uris))
	for _, uri := range uris {
		go func() { errs <- f.follow(ctx, mvURL, uri) }()
	}
	var first error
	for range uris {
		if err := <-errs; err != nil && first == nil && ctx.Err() == nil {
			first = err
		}
	}
	return first
}

// mediaItem is a part or segment of a media playlist.
type mediaItem struct {
	uri    string
	isPart bool
	end    time.Time // when its media ends; zero when unknown
}

func (f *follower) follow(ctx context.Context, base *url.URL, uri string) error {
	mediaURL, err := base.Parse(uri)
	if err != nil {
		return err
	}
	pl, err := f.mediaPlaylist(ctx, mediaURL)
	if err != nil {
		return err
	}
	if pl.Map != nil {
		if _, err := f.fetch(ctx, mediaURL, pl.Map.URI); err != nil {
			return err
		}
	}
	// Start at the live edge: what is there already was before our time.
	seen := map[string]bool{}
	for _, it := range items(pl) {
		seen[it.uri] = true
	}
	// Delta updates when the server offers them, as hls.js asks: a cache
	// shares answers only between requests with the same arguments.
	skip := pl.ServerControl != nil && pl.ServerControl.CanSkipUntil != nil
	for ctx.Err() == nil {
		q := mediaURL.Query()
		msn, part := nextPart(pl)
		q.Set("_HLS_msn", strconv.Itoa(msn))
		q.Set("_HLS_part", strconv.Itoa(part))
		if skip {
			q.Set("_HLS_skip", "YES")
		}
		next := *mediaURL
		next.RawQuery = q.Encode()
		if pl, err = f.mediaPlaylist(ctx, &next); err != nil {
			return err
		}
		for _, it := range items(pl) {
			if seen[it.uri] {
				continue
			}
			seen[it.uri] = true
			at, err := f.fetch(ctx, mediaURL, it.uri)
			if err != nil {
				return err
			}
			f.mu.Lock()
			if it.isPart {
				f.parts++
				if !it.end.IsZero() {
					f.partDelays = append(f.partDelays, float64(at.Sub(it.end).Microseconds())/1000)
				}
			} else {
				f.segments++
			}
			f.mu.Unlock()
		}
	}
	return nil
}

// nextPart is the part a blocking reload of pl asks for: the one after
// the last listed.
func nextPart(pl *playlist.Media) (msn, part int) {
	msn = pl.MediaSequence + len(pl.Segments)
	if pl.Skip != nil {
		msn += pl.Skip.SkippedSegments
	}
	return msn, len(pl.Parts)
}

// items lists the parts and segments of pl, oldest first, with the time
// their media ends.
func items(pl *playlist.Media) []mediaItem {
	var out []mediaItem
	var next time.Time // start of the next segment
	for _, s := range pl.Segments {
		start := next
		if s.DateTime != nil {
			start = *s.DateTime
		}
		end := start
		for _, p := range s.Parts {
			end = addIfKnown(end, p.Duration)
			out = append(out, mediaItem{uri: p.URI, isPart: true, end: end})
		}
		next = addIfKnown(start, s.Duration)
		if !s.Gap {
			out = append(out, mediaItem{uri: s.URI, end: next})
		}
	}
	end := next
	for _, p := range pl.Parts {
		end = addIfKnown(end, p.Duration)
		out = append(out, mediaItem{uri: p.URI, isPart: true, end: end})
	}
	return out
}

func addIfKnown(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(d)
}

func (f *follower) mediaPlaylist(ctx context.Context, u *url.URL) (*playlist.Media, error) {
	body, err := f.get(ctx, u)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.playlists++
	f.mu.Unlock()
	pl, err := playlist.Unmarshal(body)
	if err != nil {
		return nil, err
	}
	m, ok := pl.(*playlist.Media)
	if !ok {
		return nil, fmt.Errorf("%s is not a media playlist", u.Path)
	}
	return m, nil
}

// fetch reads uri (relative to the playlist at base) and returns when it
// had it all.
func (f *follower) fetch(ctx context.Context, base *url.URL, uri string) (time.Time, error) {
	u, err := base.Parse(uri)
	if err != nil {
		return time.Time{}, err
	}
	_, err = f.get(ctx, u)
	return time.Now(), err
}

func (f *follower) get(ctx context.Context, u *url.URL) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err == nil && resp.StatusCode != http.StatusOK {
		err = fmt.Errorf("GET %s: status %d", u.Path, resp.StatusCode)
	}
	if err != nil && ctx.Err() == nil {
		f.mu.Lock()
		f.failures++
		f.mu.Unlock()
	}
	return body, err
}
