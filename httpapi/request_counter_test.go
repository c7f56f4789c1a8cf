package httpapi

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRouteClass(t *testing.T) {
	for _, c := range []struct{ path, want string }{
		{"/", "page"},
		{"/watch/main", "page"},
		{"/studio", "page"},
		{"/embed/main", "page"},
		{"/login", "auth"},
		{"/logout", "auth"},
		{"/auth/live", "auth"},
		{"/assets/hls.min.js", "asset"},
		{"/api/streams", "api"},
		{"/api/studio/streams/stage/kick", "api"},
		{"/metrics", "metrics"},
		{"/healthz", "health"},
		{"/live/main/index.m3u8", "playlist"},
		{"/live/main/legacy/index.m3u8", "playlist"},
		{"/live/main/0a1b2c3d_video_init.mp4", "init"},
		{"/live/main/0a1b2c3d_video_p12.mp4", "part"},
		{"/live/main/0a1b2c3d_video_3.mp4", "segment"},
		{"/live/main/legacy/0a1b2c3d_stream_3.ts", "segment"},
		{"/live/main/anything-else", "other"},
		{"/live/", "other"},
		{"/wp-login.php", "other"},
		{"/" + strings.Repeat("a", 5000), "other"},
	} {
		if got := routeClass(c.path); got != c.want {
			t.Errorf("routeClass(%q) = %q, want %q", c.path, got, c.want)
		}
	}
}

// TestRequestCounter counts by route and status class; a request whose
// client left before any answer is "none", not 200.
func TestRequestCounter(t *testing.T) {
	c := NewRequestCounter()
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Query().Get("answer") {
		case "404":
			http.NotFound(w, r)
		case "body":
			_, _ = w.Write([]byte("ok"))
		case "fail":
			w.WriteHeader(http.StatusInternalServerError)
		}
	}))
	serve := func(ctx context.Context, target string) {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil).WithContext(ctx))
	}
	gone, cancel := context.WithCancel(context.Background())
	cancel()
	bg := context.Background()
	serve(bg, "/live/main/x_video_p1.mp4?answer=body")
	serve(bg, "/live/main/x_video_p2.mp4?answer=body")
	serve(bg, "/live/main/x_video_p3.mp4?answer=404")
	serve(gone, "/live/main/video.m3u8?_HLS_msn=9") // waited, the client left
	serve(bg, "/api/streams")                       // wrote nothing: net/http's 200
	serve(bg, "/nope?answer=fail")
	text := collectText(t, c)
	for _, want := range []string{
		`llcast_http_requests_total{class="part",code="2xx"} 2`,
		`llcast_http_requests_total{class="part",code="4xx"} 1`,
		`llcast_http_requests_total{class="playlist",code="none"} 1`,
		`llcast_http_requests_total{class="api",code="2xx"} 1`,
		`llcast_http_requests_total{class="other",code="5xx"} 1`,
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
}

func TestStatusClass(t *testing.T) {
	r := httptest.NewRequest(http.MethodGet, "/", nil)
	for status, want := range map[int]string{0: "2xx", 101: "1xx", 200: "2xx", 304: "3xx", 404: "4xx", 503: "5xx", 999: "other"} {
		if got := statusClass(status, r); got != want {
			t.Errorf("statusClass(%d) = %q, want %q", status, got, want)
		}
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if got := statusClass(0, r.WithContext(ctx)); got != "none" {
		t.Errorf("no answer to a client gone: %q, want none", got)
	}
}
