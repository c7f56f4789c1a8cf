package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// hlsFollower follows a live LL-HLS stream the way a low-latency player
// does: it reads the multivariant playlist, then for each media playlist
// (video and audio) the init file and, from the live edge on, every new
// part and segment once, learning of them with blocking playlist reloads
// (_HLS_msn, _HLS_part, and _HLS_skip=YES when offered), like hls.js; like
// hls.js it does not use preload hints.
// It stops when ctx ends.
type hlsFollower struct {
	client *http.Client // with the session cookie, or none for a link
	url    string       // the multivariant playlist, ?token= for a link

	mu         sync.Mutex // guards what follows
	parts      int
	segments   int
	playlists  int
	statusErrs map[int]int // answers other than 200, by status
}

// run follows until ctx ends and returns the first error that is not
// ctx's own.
func (f *hlsFollower) run(ctx context.Context) error {
	mvURL, err := url.Parse(f.url)
	if err != nil {
		return err
	}
	pl, err := f.playlist(ctx, mvURL)
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

// follow follows the media playlist at uri (relative to base).
func (f *hlsFollower) follow(ctx context.Context, base *url.URL, uri string) error {
	mediaURL, err := base.Parse(uri)
	if err != nil {
		return err
	}
	pl, err := f.mediaPlaylist(ctx, mediaURL)
	if err != nil {
		return err
	}
	if pl.Map != nil {
		if err := f.fetch(ctx, mediaURL, pl.Map.URI, nil); err != nil {
			return err
		}
	}
	// Start at the live edge: what is there already was before our time.
	seen := map[string]bool{}
	f.each(pl, func(uri string, _ bool) { seen[uri] = true })
	// Delta updates when the server offers them, as hls.js asks.
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
		var fetchErr error
		f.each(pl, func(uri string, isPart bool) {
			if seen[uri] || fetchErr != nil {
				return
			}
			seen[uri] = true
			counter := &f.segments
			if isPart {
				counter = &f.parts
			}
			fetchErr = f.fetch(ctx, mediaURL, uri, counter)
		})
		if fetchErr != nil {
			return fetchErr
		}
	}
	return nil
}

// each calls fn for every part and segment of pl, oldest first.
func (f *hlsFollower) each(pl *playlist.Media, fn func(uri string, isPart bool)) {
	for _, s := range pl.Segments {
		for _, p := range s.Parts {
			fn(p.URI, true)
		}
		if !s.Gap {
			fn(s.URI, false)
		}
	}
	for _, p := range pl.Parts {
		fn(p.URI, true)
	}
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

func (f *hlsFollower) mediaPlaylist(ctx context.Context, u *url.URL) (*playlist.Media, error) {
	pl, err := f.playlist(ctx, u)
	if err != nil {
		return nil, err
	}
	m, ok := pl.(*playlist.Media)
	if !ok {
		return nil, fmt.Errorf("%s is not a media playlist", u.Path)
	}
	return m, nil
}

func (f *hlsFollower) playlist(ctx context.Context, u *url.URL) (playlist.Playlist, error) {
	body, err := f.get(ctx, u)
	if err != nil {
		return nil, err
	}
	f.mu.Lock()
	f.playlists++
	f.mu.Unlock()
	return playlist.Unmarshal(body)
}

// fetch reads uri (relative to the playlist at base) and counts it.
func (f *hlsFollower) fetch(ctx context.Context, base *url.URL, uri string, counter *int) error {
	u, err := base.Parse(uri)
	if err != nil {
		return err
	}
	if _, err := f.get(ctx, u); err != nil {
		return err
	}
	if counter != nil {
		f.mu.Lock()
		*counter++
		f.mu.Unlock()
	}
	return nil
}

// errStatus is an answer other than 200.
var errStatus = errors.New("unexpected status")

func (f *hlsFollower) get(ctx context.Context, u *url.URL) ([]byte, error) {
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
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		f.mu.Lock()
		if f.statusErrs == nil {
			f.statusErrs = map[int]int{}
		}
		f.statusErrs[resp.StatusCode]++
		f.mu.Unlock()
		return nil, fmt.Errorf("GET %s: %w %d", u.Path, errStatus, resp.StatusCode)
	}
	return body, nil
}
