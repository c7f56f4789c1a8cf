package httpapi

import (
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"

	"github.com/llcast/llcast/segmenter/llhls"
)

// clientRequest is a request for a playlist from remote with a session
// cookie and a link token (each when not empty).
type clientRequest struct {
	remote, cookie, token string
	xff                   string // X-Forwarded-For, believed from 10.0.0.0/8
}

// keyOf runs req through RealIP and ClientKey and returns the key the
// muxers would see.
func keyOf(t *testing.T, req clientRequest) string {
	t.Helper()
	target := "/live/main/video.m3u8?_HLS_msn=5"
	if req.token != "" {
		target += "&" + LinkParam + "=" + req.token
	}
	r := httptest.NewRequest(http.MethodGet, target, nil)
	r.RemoteAddr = req.remote
	if req.cookie != "" {
		r.AddCookie(&http.Cookie{Name: CookieName, Value: req.cookie})
	}
	if req.xff != "" {
		r.Header.Set("X-Forwarded-For", req.xff)
	}
	var key string
	h := RealIP([]netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")})(ClientKey(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		key = llhls.ClientFrom(r.Context())
	})))
	h.ServeHTTP(httptest.NewRecorder(), r)
	if key == "" {
		t.Fatal("ClientKey set no key")
	}
	for _, secret := range []string{req.cookie, req.token} {
		if secret != "" && strings.Contains(key, secret) {
			t.Fatalf("key %q holds a credential", key)
		}
	}
	return key
}

func TestClientKey(t *testing.T) {
	cases := []struct {
		name string
		a, b clientRequest
		same bool
	}{
		{"one session, two connections",
			clientRequest{remote: "192.0.2.1:1000", cookie: "session-a"},
			clientRequest{remote: "192.0.2.1:1001", cookie: "session-a"}, true},
		{"one session, two networks (a phone)",
			clientRequest{remote: "192.0.2.1:1000", cookie: "session-a"},
			clientRequest{remote: "198.51.100.1:1000", cookie: "session-a"}, true},
		{"two sessions, one address",
			clientRequest{remote: "192.0.2.1:1000", cookie: "session-a"},
			clientRequest{remote: "192.0.2.1:1000", cookie: "session-b"}, false},
		{"one link, one address",
			clientRequest{remote: "192.0.2.1:1000", token: "link-a"},
			clientRequest{remote: "192.0.2.1:2000", token: "link-a"}, true},
		{"one link, two addresses",
			clientRequest{remote: "192.0.2.1:1000", token: "link-a"},
			clientRequest{remote: "192.0.2.2:1000", token: "link-a"}, false},
		{"one link, one IPv6 /64",
			clientRequest{remote: "[2001:db8:1:2::1]:1000", token: "link-a"},
			clientRequest{remote: "[2001:db8:1:2:ffff::9]:1000", token: "link-a"}, true},
		{"one link, two IPv6 /64s",
			clientRequest{remote: "[2001:db8:1:2::1]:1000", token: "link-a"},
			clientRequest{remote: "[2001:db8:1:3::1]:1000", token: "link-a"}, false},
		{"two links, one address",
			clientRequest{remote: "192.0.2.1:1000", token: "link-a"},
			clientRequest{remote: "192.0.2.1:1000", token: "link-b"}, false},
		{"the link counts, not the cookie beside it (as for auth)",
			clientRequest{remote: "192.0.2.1:1000", token: "link-a", cookie: "session-a"},
			clientRequest{remote: "192.0.2.1:1000", token: "link-a", cookie: "session-b"}, true},
		{"a link is not the session of the same value",
			clientRequest{remote: "192.0.2.1:1000", token: "same"},
			clientRequest{remote: "192.0.2.1:1000", cookie: "same"}, false},
		{"no credential: the IPv6 /64",
			clientRequest{remote: "[2001:db8:1:2::1]:1000"},
			clientRequest{remote: "[2001:db8:1:2::2]:2000"}, true},
		{"no credential: two IPv4 hosts",
			clientRequest{remote: "192.0.2.1:1000"},
			clientRequest{remote: "192.0.2.2:1000"}, false},
		{"IPv4-mapped IPv6 is the IPv4 host",
			clientRequest{remote: "[::ffff:192.0.2.1]:1000"},
			clientRequest{remote: "192.0.2.1:1000"}, true},
		{"behind a trusted proxy: the viewers' addresses",
			clientRequest{remote: "10.0.0.2:4000", token: "link-a", xff: "192.0.2.1"},
			clientRequest{remote: "10.0.0.2:4000", token: "link-a", xff: "192.0.2.2"}, false},
		{"behind a trusted proxy: one viewer on two proxy connections",
			clientRequest{remote: "10.0.0.2:4000", token: "link-a", xff: "192.0.2.1"},
			clientRequest{remote: "10.0.0.3:4001", token: "link-a", xff: "192.0.2.1"}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a, b := keyOf(t, tc.a), keyOf(t, tc.b)
			if (a == b) != tc.same {
				t.Errorf("keys %q and %q: same = %v, want %v", a, b, a == b, tc.same)
			}
		})
	}
}
