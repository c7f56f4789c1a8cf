package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

func TestViewerCounter(t *testing.T) {
	now := time.Unix(1000, 0)
	c := &ViewerCounter{now: func() time.Time { return now }}
	h := ClientKey(c.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })))
	fetch := func(token string) {
		req := httptest.NewRequest(http.MethodGet, "/live/main/index.m3u8", nil)
		if token != "" {
			req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("the counter changed the answer: %d", rec.Code)
		}
	}
	for _, step := range []struct {
		advance time.Duration
		fetch   []string
		want    int
	}{
		{0, nil, 0},
		{0, []string{"token-a", "token-a"}, 1},
		{0, []string{"token-b", ""}, 2},
		{10 * time.Second, []string{"token-b"}, 2},
		{10 * time.Second, nil, 1}, // a is 20 s old, b 10 s
		{6 * time.Second, nil, 0},
		{0, []string{"token-a"}, 1},
	} {
		now = now.Add(step.advance)
		for _, tok := range step.fetch {
			fetch(tok)
		}
		if got := c.Count(); got != step.want {
			t.Fatalf("after +%v and %q: Count() = %d, want %d", step.advance, step.fetch, got, step.want)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) != 1 {
		t.Fatalf("%d sessions kept, want 1: old ones must be forgotten", len(c.seen))
	}
}

// TestViewerCounterPerStream: each stream counts its own sessions; Count
// counts every session once, whatever it watched.
func TestViewerCounterPerStream(t *testing.T) {
	now := time.Unix(1000, 0)
	c := &ViewerCounter{now: func() time.Time { return now }}
	r := chi.NewRouter()
	r.With(ClientKey, c.Handler).Get("/live/{stream}/*", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) })
	fetch := func(token, path string) {
		req := httptest.NewRequest(http.MethodGet, path, nil)
		req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, req)
		if rec.Code != http.StatusNoContent {
			t.Fatalf("GET %s: %d", path, rec.Code)
		}
	}
	type counts struct{ all, main, stage int }
	for _, step := range []struct {
		advance time.Duration
		fetch   [][2]string // token, path
		want    counts
	}{
		{0, nil, counts{0, 0, 0}},
		{0, [][2]string{{"a", "/live/main/index.m3u8"}, {"a", "/live/main/video.m3u8"}}, counts{1, 1, 0}},
		{0, [][2]string{{"b", "/live/stage/index.m3u8"}}, counts{2, 1, 1}},
		// a watches both: one viewer in all, one on each stream.
		{5 * time.Second, [][2]string{{"a", "/live/stage/index.m3u8"}}, counts{2, 1, 2}},
		// A name that is no stream's counts in all only.
		{0, [][2]string{{"c", "/live/NOT%20A%20NAME/index.m3u8"}}, counts{3, 1, 2}},
		{11 * time.Second, nil, counts{2, 0, 1}}, // a (on stage) and c are 11 s old, b 16 s
		{5 * time.Second, nil, counts{0, 0, 0}},
	} {
		now = now.Add(step.advance)
		for _, f := range step.fetch {
			fetch(f[0], f[1])
		}
		got := counts{c.Count(), c.CountStream("main"), c.CountStream("stage")}
		if got != step.want {
			t.Fatalf("after +%v and %v: (all, main, stage) = %v, want %v", step.advance, step.fetch, got, step.want)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.seen) != 0 || len(c.streams) != 0 {
		t.Fatalf("%d sessions and %d streams kept, want none: old ones must be forgotten", len(c.seen), len(c.streams))
	}
}
