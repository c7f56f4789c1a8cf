package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

func TestViewerCounter(t *testing.T) {
	now := time.Unix(1000, 0)
	c := &ViewerCounter{now: func() time.Time { return now }}
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
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
