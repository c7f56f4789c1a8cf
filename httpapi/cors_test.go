package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestCORS(t *testing.T) {
	ok := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(200) })
	cases := []struct {
		name      string
		allowed   []string
		method    string
		origin    string
		status    int
		allow     string
		withCreds bool
	}{
		{"no config", nil, "GET", "https://player.example", 200, "", false},
		{"listed origin", []string{"https://player.example"}, "GET", "https://player.example", 200, "https://player.example", true},
		{"other origin", []string{"https://player.example"}, "GET", "https://evil.example", 200, "", false},
		{"any origin, no credentials", []string{"*"}, "GET", "https://tv.example", 200, "*", false},
		{"listed wins over any", []string{"*", "https://player.example"}, "GET", "https://player.example", 200, "https://player.example", true},
		{"preflight listed", []string{"https://player.example"}, "OPTIONS", "https://player.example", 204, "https://player.example", true},
		{"preflight other", []string{"https://player.example"}, "OPTIONS", "https://evil.example", 204, "", false},
		{"same origin", []string{"https://player.example"}, "GET", "", 200, "", false},
	}
	for _, c := range cases {
		r := httptest.NewRequest(c.method, "/live/main/index.m3u8", nil)
		if c.origin != "" {
			r.Header.Set("Origin", c.origin)
		}
		if c.method == "OPTIONS" {
			r.Header.Set("Access-Control-Request-Method", "GET")
		}
		w := httptest.NewRecorder()
		CORS(c.allowed)(ok).ServeHTTP(w, r)
		h := w.Header()
		if w.Code != c.status || h.Get("Access-Control-Allow-Origin") != c.allow ||
			(h.Get("Access-Control-Allow-Credentials") == "true") != c.withCreds {
			t.Errorf("%s: %d allow-origin %q credentials %q", c.name, w.Code,
				h.Get("Access-Control-Allow-Origin"), h.Get("Access-Control-Allow-Credentials"))
		}
	}
}
