package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestStrictTransportSecurity(t *testing.T) {
	for target, want := range map[string]string{
		"https://llcast.example/": hstsValue, // httptest sets TLS for https
		"http://llcast.example/":  "",        // browsers ignore it there
	} {
		rec := httptest.NewRecorder()
		StrictTransportSecurity(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, target, nil))
		if got := rec.Header().Get("Strict-Transport-Security"); got != want {
			t.Errorf("GET %s: %q, want %q", target, got, want)
		}
	}
}
