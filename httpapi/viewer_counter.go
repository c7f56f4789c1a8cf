package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/segmenter/llhls"
)

// viewerKey tells viewers apart: ClientKey's hash of a session cookie, or
// of a stream link and the address it is watched from; never a token.
type viewerKey = string

// ViewerCounter counts the viewers that fetched media lately, in all and
// per stream: each session, and each stream link at each address. Safe for
// concurrent use.
type ViewerCounter struct {
	// Window is how recent a fetch must be to count. It defaults to 15s.
	Window time.Duration

	now func() time.Time // time.Now when nil; tests move the clock

	mu      sync.Mutex // guards seen, streams and pruned
	seen    map[viewerKey]time.Time
	streams map[string]map[viewerKey]time.Time
	pruned  time.Time
}

// Handler is the middleware. Put it after RequireMediaToken, so that only
// valid sessions and stream links count, and after ClientKey, whose key
// it counts (hashing the token once a request, not twice), inside a route
// with a {stream} parameter, which says whose viewer it is.
func (c *ViewerCounter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		stream := chi.URLParam(r, "stream")
		if auth.CheckStreamName(stream) != nil {
			stream = "" // counted in all only: a stream has a valid name
		}
		if key := llhls.ClientFrom(r.Context()); strings.HasPrefix(key, sessionKey) || strings.HasPrefix(key, linkKey) {
			c.see(key, stream)
		}
		next.ServeHTTP(w, r)
	})
}

// Count is the number of distinct sessions seen within Window, whatever
// they watched: one watching two streams counts once, so Count can be less
// than the sum of CountStream.
func (c *ViewerCounter) Count() int {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prune(now)
	return len(c.seen)
}

// CountStream is the number of sessions that fetched the media of stream
// within Window.
func (c *ViewerCounter) CountStream(stream string) int {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prune(now)
	return len(c.streams[stream])
}

func (c *ViewerCounter) see(key viewerKey, stream string) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[viewerKey]time.Time{}
		c.streams = map[string]map[viewerKey]time.Time{}
	}
	c.seen[key] = now
	if stream != "" {
		m := c.streams[stream]
		if m == nil {
			m = map[viewerKey]time.Time{}
			c.streams[stream] = m
		}
		m[key] = now
	}
	// Forgetting now and then keeps the maps as small as the audience.
	if now.Sub(c.pruned) > c.window() {
		c.prune(now)
	}
}

func (c *ViewerCounter) prune(now time.Time) {
	for key, at := range c.seen {
		if now.Sub(at) > c.window() {
			delete(c.seen, key)
		}
	}
	for name, m := range c.streams {
		for key, at := range m {
			if now.Sub(at) > c.window() {
				delete(m, key)
			}
		}
		if len(m) == 0 {
			delete(c.streams, name)
		}
	}
	c.pruned = now
}

func (c *ViewerCounter) window() time.Duration {
	if c.Window > 0 {
		return c.Window
	}
	return 15 * time.Second
}

func (c *ViewerCounter) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
