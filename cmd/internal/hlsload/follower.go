package hlsload

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// ErrStatus is an answer other than 200.
var ErrStatus = errors.New("unexpected status")

// Follower follows a live LL-HLS stream the way a low-latency player does:
// the multivariant playlist, then for each media playlist (video, audio)
// the init file and, from the live edge on, every new part and segment
// once, learning of them with blocking playlist reloads (_HLS_msn,
// _HLS_part, and _HLS_skip=YES when offered), like hls.js; like hls.js it
// does not use preload hints.
//
// For each part it notes the delivery delay: when the part had arrived
// minus when its media ended, by the playlist's PROGRAM-DATE-TIME (the
// capture clock, this machine's): what segmenting, the blocking reload and
// the fetch, through a proxy or not, add to a player's latency.
type Follower struct {
	// Client sends every request: with the session cookie in its jar, or
	// none for a stream link. It defaults to http.DefaultClient.
	Client *http.Client
	// URL is the multivariant playlist, with ?token= for a stream link.
	URL string
	// PartsOnly leaves whole segments out, as hls.js does at the live
	// edge of a low-latency stream, where it loads the parts: the same
	// media once, not twice. It defaults to false: parts and segments.
	PartsOnly bool

	mu    sync.Mutex // guards stats
	stats Stats
	bufs  sync.Pool // of *bytes.Buffer, for media playlists
}

// Run follows until ctx ends and returns the first error that is not
// ctx's own.
func (f *Follower) Run(ctx context.Context) error {
	mvURL, err := url.Parse(f.URL)
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

// KeepRunning follows until ctx ends, starting again 200 ms after an
// error the way a player would; Stats counts the restarts.
func (f *Follower) KeepRunning(ctx context.Context) {
	for ctx.Err() == nil {
		if err := f.Run(ctx); err != nil {
			f.mu.Lock()
			f.stats.Restarts++
			f.stats.LastError = err.Error()
			f.mu.Unlock()
			select {
			case <-ctx.Done():
			case <-time.After(200 * time.Millisecond):
			}
		}
	}
}

// follow follows the media playlist at uri (relative to base).
func (f *Follower) follow(ctx context.Context, base *url.URL, uri string) error {
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
	// The media sequence number of the first segment not listed whole
	// yet: a playlist that starts after it lost segments on our way.
	wantMSN, _ := nextPart(pl)
	// Delta updates when the server offers them, as hls.js asks: a cache
	// shares answers only between requests with the same arguments.
	skip := pl.ServerControl != nil && pl.ServerControl.CanSkipUntil != nil
	for ctx.Err() == nil {
		msn, part := nextPart(pl)
		next := *mediaURL
		next.RawQuery = reloadQuery(mediaURL.RawQuery, msn, part, skip)
		if pl, err = f.mediaPlaylist(ctx, &next); err != nil {
			return err
		}
		var holdBack time.Duration
		if pl.ServerControl != nil && pl.ServerControl.PartHoldBack != nil {
			holdBack = *pl.ServerControl.PartHoldBack
		}
		last, _ := nextPart(pl)
		if lost := firstMSN(pl) - wantMSN; lost > 0 {
			f.mu.Lock()
			f.stats.Skipped += lost
			f.mu.Unlock()
		}
		wantMSN = max(wantMSN, last)
		for _, it := range items(pl) {
			if seen[it.uri] || (f.PartsOnly && !it.isPart) {
				continue
			}
			seen[it.uri] = true
			at, err := f.fetch(ctx, mediaURL, it.uri)
			if err != nil {
				return err
			}
			f.mu.Lock()
			f.stats.add(it, at, holdBack)
			f.mu.Unlock()
		}
	}
	return nil
}

// mediaPlaylist reads the media playlist at u with readMedia, into a
// buffer kept for the next one.
func (f *Follower) mediaPlaylist(ctx context.Context, u *url.URL) (*playlist.Media, error) {
	buf, _ := f.bufs.Get().(*bytes.Buffer)
	if buf == nil {
		buf = new(bytes.Buffer)
	}
	defer f.bufs.Put(buf)
	buf.Reset()
	if err := f.get(ctx, u, buf); err != nil {
		return nil, err
	}
	f.countPlaylist()
	pl, err := readMedia(buf.Bytes())
	if err != nil {
		return nil, fmt.Errorf("%s: %w", u.Path, err)
	}
	return pl, nil
}

func (f *Follower) playlist(ctx context.Context, u *url.URL) (playlist.Playlist, error) {
	var buf bytes.Buffer
	if err := f.get(ctx, u, &buf); err != nil {
		return nil, err
	}
	f.countPlaylist()
	return playlist.Unmarshal(buf.Bytes())
}

func (f *Follower) countPlaylist() {
	f.mu.Lock()
	f.stats.Playlists++
	f.mu.Unlock()
}

// fetch reads uri (relative to the playlist at base) and returns when it
// had it all.
func (f *Follower) fetch(ctx context.Context, base *url.URL, uri string) (time.Time, error) {
	u, err := base.Parse(uri)
	if err != nil {
		return time.Time{}, err
	}
	err = f.get(ctx, u, io.Discard)
	return time.Now(), err
}

// get reads u whole into dst: a buffer for a playlist, io.Discard for a
// part, whose arrival is all that counts (io.Discard reads through pooled
// buffers: a load of hundreds of followers on one core must not spend it
// allocating bodies it throws away).
func (f *Follower) get(ctx context.Context, u *url.URL, dst io.Writer) error {
	// Built by hand: NewRequest would print u and parse it again.
	req := (&http.Request{Method: http.MethodGet, URL: u, Host: u.Host, Header: http.Header{},
		Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1}).WithContext(ctx)
	client := f.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			f.mu.Lock()
			f.stats.Unanswered++
			f.mu.Unlock()
		}
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(dst, resp.Body)
	status := 0
	if err == nil && resp.StatusCode != http.StatusOK {
		status = resp.StatusCode
		err = fmt.Errorf("GET %s: %w %d", u.Path, ErrStatus, status)
	}
	if err != nil {
		f.mu.Lock()
		f.stats.fail(status, ctx.Err() == nil)
		f.mu.Unlock()
	}
	return err
}

// reloadQuery is the query of a blocking reload: the playlist's own (a
// stream link's token), then _HLS_msn, _HLS_part and _HLS_skip.
func reloadQuery(own string, msn, part int, skip bool) string {
	q := "_HLS_msn=" + strconv.Itoa(msn) + "&_HLS_part=" + strconv.Itoa(part)
	if skip {
		q += "&_HLS_skip=YES"
	}
	if own != "" {
		q = own + "&" + q
	}
	return q
}
