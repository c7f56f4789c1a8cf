package httpapi

import (
	"crypto/sha256"
	"net/http"
	"sync"
	"time"
)

// ViewerCounter counts the sessions that fetched media lately. It tells them
// apart by a hash of their session cookie: the token itself is never kept
// or logged. Safe for concurrent use.
type ViewerCounter struct {
	// Window is how recent a fetch must be to count. It defaults to 15s.
	Window time.Duration

	now func() time.Time // time.Now when nil; tests move the clock

	mu     sync.Mutex // guards seen and pruned
	seen   map[[sha256.Size]byte]time.Time
	pruned time.Time
}

// Handler is the middleware. Put it after RequireMediaToken, so that only
// valid sessions and stream links count (each link as one viewer).
func (c *ViewerCounter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if token := r.URL.Query().Get(LinkParam); token != "" {
			c.see(sha256.Sum256([]byte(token)))
		} else if ck, err := r.Cookie(CookieName); err == nil && ck.Value != "" {
			c.see(sha256.Sum256([]byte(ck.Value)))
		}
		next.ServeHTTP(w, r)
	})
}

// Count is the number of sessions seen within Window.
func (c *ViewerCounter) Count() int {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.prune(now)
	return len(c.seen)
}

func (c *ViewerCounter) see(key [sha256.Size]byte) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.seen == nil {
		c.seen = map[[sha256.Size]byte]time.Time{}
	}
	c.seen[key] = now
	// Forgetting now and then keeps the map as small as the audience.
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
