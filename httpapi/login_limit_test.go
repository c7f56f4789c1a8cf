package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestLoginLimit(t *testing.T) {
	h := LoginLimit(3, time.Minute, slog.New(slog.NewTextHandler(io.Discard, nil)))(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	try := func(addr string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	for i := 0; i < 3; i++ {
		if rec := try("192.0.2.1:1000"); rec.Code != http.StatusNoContent {
			t.Fatalf("attempt %d: %d", i+1, rec.Code)
		}
	}
	rec := try("192.0.2.1:2000") // another port, same client
	if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") == "" {
		t.Fatalf("4th attempt: %d, Retry-After %q; want 429 with Retry-After", rec.Code, rec.Header().Get("Retry-After"))
	}
	if rec := try("192.0.2.2:1000"); rec.Code != http.StatusNoContent {
		t.Fatalf("another client was limited too: %d", rec.Code)
	}
}

func TestLoginLimiterRefillsAndForgets(t *testing.T) {
	l := &loginLimiter{burst: 2, every: time.Second, clients: map[string]*bucket{}}
	now := time.Unix(1000, 0)
	l.take("a", now)
	l.take("a", now)
	if wait := l.take("a", now); wait <= 0 || wait > time.Second {
		t.Fatalf("empty bucket: wait %v, want (0, 1s]", wait)
	}
	if wait := l.take("a", now.Add(time.Second)); wait != 0 {
		t.Fatalf("after one period: wait %v, want 0", wait)
	}
	l.forgetIdle(now.Add(time.Hour))
	if len(l.clients) != 0 {
		t.Fatalf("idle clients kept: %d", len(l.clients))
	}
}

func TestLoginLimitKey(t *testing.T) {
	for _, c := range []struct{ remote, want string }{
		{"192.0.2.1:1000", "192.0.2.1"},
		{"192.0.2.1", "192.0.2.1"}, // after RealIP
		{"[::ffff:192.0.2.1]:1000", "192.0.2.1"},
		{"[2001:db8:1:2:3:4:5:6]:1000", "2001:db8:1:2::/64"},
		{"2001:db8:1:2::7", "2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:1000", "fe80::/64"},
		{"pipe", "pipe"},
	} {
		if got := loginLimitKey(c.remote); got != c.want {
			t.Errorf("loginLimitKey(%q) = %q, want %q", c.remote, got, c.want)
		}
	}
}

// TestLoginLimitIPv6Prefix: addresses of one /64 share a limit, another
// /64 has its own.
func TestLoginLimitIPv6Prefix(t *testing.T) {
	h := LoginLimit(2, time.Hour, slog.New(slog.NewTextHandler(io.Discard, nil)))(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	try := func(addr string) int {
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		req.RemoteAddr = addr
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i, addr := range []string{"[2001:db8:0:1::1]:1000", "[2001:db8:0:1:ffff:ffff:ffff:ffff]:1000"} {
		if code := try(addr); code != http.StatusNoContent {
			t.Fatalf("attempt %d from the /64: %d", i+1, code)
		}
	}
	if code := try("[2001:db8:0:1:abcd::9]:2000"); code != http.StatusTooManyRequests {
		t.Fatalf("third attempt from a new address in the same /64: %d, want 429", code)
	}
	if code := try("[2001:db8:0:2::1]:1000"); code != http.StatusNoContent {
		t.Fatalf("the next /64 was limited too: %d", code)
	}
}
