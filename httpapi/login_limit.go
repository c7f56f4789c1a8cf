package httpapi

import (
	"log/slog"
	"net/http"
	"net/netip"
	"strconv"
	"sync"
	"time"
)

// LoginLimit slows password guessing: each client may try `burst` logins
// at once and then one per `every`; beyond that it gets 429 with
// Retry-After. A client is an IPv4 address or an IPv6 /64, the block one
// host usually holds whole. Its memory is bounded: idle clients are
// forgotten.
func LoginLimit(burst int, every time.Duration, log *slog.Logger) func(http.Handler) http.Handler {
	l := &loginLimiter{burst: float64(burst), every: every, clients: map[string]*bucket{}}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if wait := l.take(loginLimitKey(r.RemoteAddr), time.Now()); wait > 0 {
				log.Warn("too many login attempts", "remote", r.RemoteAddr)
				tooManyLogins(w, wait)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// tooManyLogins answers 429. Every login limit answers alike, so a client
// cannot tell which one it hit.
func tooManyLogins(w http.ResponseWriter, wait time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(int(wait.Seconds())+1))
	http.Error(w, "too many login attempts, try again later", http.StatusTooManyRequests)
}

// loginLimitKey is the client a login attempt from remote (RemoteAddr,
// "IP:port" or, after RealIP, "IP") counts for: an IPv4 address, or the
// /64 of an IPv6 address, from which one host can pick a new address for
// every attempt.
func loginLimitKey(remote string) string {
	a, ok := parseAddr(remote)
	switch {
	case !ok:
		return remote
	case a.Is6():
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

type bucket struct {
	tokens float64
	at     time.Time
}

type loginLimiter struct {
	burst   float64
	every   time.Duration
	mu      sync.Mutex // guards clients
	clients map[string]*bucket
}

// take spends one attempt of host, or returns how long to wait for one.
func (l *loginLimiter) take(host string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.clients) > 10_000 {
		l.forgetIdle(now)
	}
	b, ok := l.clients[host]
	if !ok {
		b = &bucket{tokens: l.burst, at: now}
		l.clients[host] = b
	}
	b.tokens = min(l.burst, b.tokens+now.Sub(b.at).Seconds()/l.every.Seconds())
	b.at = now
	if b.tokens < 1 {
		return time.Duration((1 - b.tokens) * float64(l.every))
	}
	b.tokens--
	return 0
}

// forgetIdle drops the addresses whose bucket has refilled.
func (l *loginLimiter) forgetIdle(now time.Time) {
	full := time.Duration(l.burst * float64(l.every))
	for host, b := range l.clients {
		if now.Sub(b.at) > full {
			delete(l.clients, host)
		}
	}
}
