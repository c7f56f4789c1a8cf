package llhls

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestClientOf(t *testing.T) {
	cases := []struct {
		name, remote, key string
		want              string
	}{
		{"key", "192.0.2.1:1234", "session:ab12", "session:ab12"},
		{"no key: the host", "192.0.2.1:1234", "", "\x00remote 192.0.2.1"},
		{"IPv6 host", "[2001:db8::1]:443", "", "\x00remote 2001:db8::1"},
		{"address without a port", "192.0.2.1", "", "\x00remote 192.0.2.1"},
		{"a key looking like the fallback is still a key", "192.0.2.9:1", "192.0.2.9", "192.0.2.9"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.RemoteAddr = tc.remote
			if tc.key != "" {
				r = r.WithContext(WithClient(context.Background(), tc.key))
			}
			if got := clientOf(r); got != tc.want {
				t.Errorf("clientOf = %q, want %q", got, tc.want)
			}
		})
	}
}
