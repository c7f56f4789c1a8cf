package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestLimitURL(t *testing.T) {
	cases := []struct {
		name   string
		target string
		want   int
	}{
		{"short", "/live/main/index.m3u8?token=abc", http.StatusOK},
		{"at the limit", "/x?" + strings.Repeat("a", 100-3), http.StatusOK},
		{"query over the limit", "/x?" + strings.Repeat("a", 100-2), http.StatusRequestURITooLong},
		{"path over the limit", "/" + strings.Repeat("a", 100), http.StatusRequestURITooLong},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			reached := false
			h := LimitURL(100)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.target, nil))
			if rec.Code != c.want || reached != (c.want == http.StatusOK) {
				t.Fatalf("GET %d bytes: %d (handler reached: %v), want %d", len(c.target), rec.Code, reached, c.want)
			}
		})
	}
}
