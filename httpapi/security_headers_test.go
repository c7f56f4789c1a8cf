package httpapi

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
)

// TestCSPAllowsTheStudio keeps what the pages need and nothing more: the
// studio fetches /api/studio (connect-src falls back to default-src) and
// shows /api/qr.png.
func TestCSPAllowsTheStudio(t *testing.T) {
	rec := httptest.NewRecorder()
	SecurityHeaders(http.NotFoundHandler()).ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/studio", nil))
	directives := map[string][]string{}
	for d := range strings.SplitSeq(rec.Header().Get("Content-Security-Policy"), ";") {
		fields := strings.Fields(d)
		if len(fields) > 0 {
			directives[fields[0]] = fields[1:]
		}
	}
	for _, c := range []struct {
		directive string
		want      []string
	}{
		{"default-src", []string{"'self'"}},
		{"img-src", []string{"'self'", "data:"}},
		{"frame-ancestors", []string{"'none'"}},
	} {
		if got := directives[c.directive]; !slices.Equal(got, c.want) {
			t.Errorf("%s = %q, want %q", c.directive, got, c.want)
		}
	}
	for _, d := range []string{"connect-src", "script-src", "style-src"} {
		if v, ok := directives[d]; ok {
			t.Errorf("%s = %q overrides default-src 'self'", d, v)
		}
	}
}
