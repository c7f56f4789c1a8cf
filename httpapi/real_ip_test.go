package httpapi

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"
)

var testProxies = []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8"), netip.MustParsePrefix("::1/128")}

var realIPCases = []struct {
	name, peer string
	xff        []string // header lines
	want       string
}{
	{"no proxy, no header", "203.0.113.7:5000", nil, "203.0.113.7:5000"},
	{"spoofed header from an untrusted peer", "203.0.113.7:5000", []string{"198.51.100.1"}, "203.0.113.7:5000"},
	{"trusted proxy", "10.0.0.2:4000", []string{"203.0.113.7"}, "203.0.113.7"},
	{"trusted proxy, viewer spoofs a hop", "10.0.0.2:4000", []string{"198.51.100.1, 203.0.113.7"}, "203.0.113.7"},
	{"two trusted proxies", "10.0.0.2:4000", []string{"198.51.100.1, 203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
	{"hops on several header lines", "10.0.0.2:4000", []string{"198.51.100.1", "203.0.113.7, 10.1.2.3"}, "203.0.113.7"},
	{"only trusted hops", "10.0.0.2:4000", []string{"10.9.9.9, 10.1.2.3"}, "10.9.9.9"},
	{"trusted proxy without the header", "10.0.0.2:4000", nil, "10.0.0.2:4000"},
	{"empty header", "10.0.0.2:4000", []string{" , "}, "10.0.0.2:4000"},
	{"garbage where the viewer should be", "10.0.0.2:4000", []string{"203.0.113.7, not-an-ip"}, "10.0.0.2:4000"},
	{"hop with a port", "10.0.0.2:4000", []string{"203.0.113.7:1234"}, "203.0.113.7"},
	{"IPv6 hop", "10.0.0.2:4000", []string{"2001:db8::7"}, "2001:db8::7"},
	{"bracketed IPv6 hop with a port", "10.0.0.2:4000", []string{"[2001:db8::7]:443"}, "2001:db8::7"},
	{"IPv6 trusted peer", "[::1]:4000", []string{"203.0.113.7"}, "203.0.113.7"},
	{"IPv4-mapped trusted peer", "[::ffff:10.0.0.2]:4000", []string{"203.0.113.7"}, "203.0.113.7"},
	{"peer that is not an address", "pipe", []string{"203.0.113.7"}, "pipe"},
}

func TestRealIP(t *testing.T) {
	for _, c := range realIPCases {
		t.Run(c.name, func(t *testing.T) {
			if got := remoteAfterRealIP(testProxies, c.peer, c.xff); got != c.want {
				t.Errorf("peer %s, X-Forwarded-For %q: RemoteAddr %q, want %q", c.peer, c.xff, got, c.want)
			}
		})
	}
}

func TestRealIPWithoutTrustedProxiesChangesNothing(t *testing.T) {
	if got := remoteAfterRealIP(nil, "10.0.0.2:4000", []string{"203.0.113.7"}); got != "10.0.0.2:4000" {
		t.Errorf("RemoteAddr %q, want the peer", got)
	}
}

// TestRealIPFeedsTheLoginLimit: viewers behind one proxy have a limit each,
// and a viewer cannot escape it by sending X-Forwarded-For.
func TestRealIPFeedsTheLoginLimit(t *testing.T) {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	h := RealIP(testProxies)(LoginLimit(2, time.Hour, log)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {})))
	try := func(peer string, xff ...string) int {
		req := httptest.NewRequest(http.MethodPost, "/login", nil)
		req.RemoteAddr = peer
		for _, v := range xff {
			req.Header.Add("X-Forwarded-For", v)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec.Code
	}
	for i := range 2 {
		if got := try("10.0.0.2:1", "203.0.113.7"); got != 200 {
			t.Fatalf("attempt %d of viewer A: %d", i+1, got)
		}
	}
	if got := try("10.0.0.2:1", "203.0.113.7"); got != http.StatusTooManyRequests {
		t.Errorf("third attempt of viewer A: %d, want 429", got)
	}
	if got := try("10.0.0.2:1", "203.0.113.8"); got != 200 {
		t.Errorf("viewer B behind the same proxy: %d, want 200", got)
	}
	// A direct client (no proxy) claiming another address each time
	// still has one limit.
	codes := []int{try("198.51.100.9:1", "192.0.2.1"), try("198.51.100.9:1", "192.0.2.2"), try("198.51.100.9:1", "192.0.2.3")}
	if !slices.Equal(codes, []int{200, 200, http.StatusTooManyRequests}) {
		t.Errorf("a client spoofing X-Forwarded-For got %v, want 200 200 429", codes)
	}
}

func FuzzRealIP(f *testing.F) {
	for _, c := range realIPCases {
		f.Add(c.peer, strings.Join(c.xff, ","))
	}
	f.Fuzz(func(t *testing.T, peer, xff string) {
		got := remoteAfterRealIP(testProxies, peer, []string{xff})
		if got == peer {
			return
		}
		// A changed address must come from the header, never from
		// an untrusted peer, and never be empty.
		if p, ok := parseAddr(peer); !ok || !isTrusted(p, testProxies) {
			t.Fatalf("untrusted peer %q became %q", peer, got)
		}
		if _, err := netip.ParseAddr(got); err != nil {
			t.Fatalf("RemoteAddr %q from header %q is not an address", got, xff)
		}
	})
}

func remoteAfterRealIP(trusted []netip.Prefix, peer string, xff []string) string {
	var got string
	h := RealIP(trusted)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = r.RemoteAddr }))
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	req.RemoteAddr = peer
	for _, v := range xff {
		req.Header.Add("X-Forwarded-For", v)
	}
	h.ServeHTTP(httptest.NewRecorder(), req)
	return got
}

// TestRealIPForwardedProto: only a trusted proxy can say the viewer came
// over HTTPS.
func TestRealIPForwardedProto(t *testing.T) {
	for _, c := range []struct {
		peer  string
		proto string
		want  bool
	}{
		{"10.0.0.2:1", "https", true},
		{"10.0.0.2:1", "http", false},
		{"198.51.100.9:1", "https", false},
	} {
		var got bool
		h := RealIP(testProxies)(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) { got = isHTTPS(r) }))
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = c.peer
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		req.Header.Set("X-Forwarded-Proto", c.proto)
		h.ServeHTTP(httptest.NewRecorder(), req)
		if got != c.want {
			t.Errorf("peer %s, X-Forwarded-Proto %s: isHTTPS %v, want %v", c.peer, c.proto, got, c.want)
		}
	}
}
