package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsForAdminsOnly checks /metrics on the server: admins read it,
// viewers get 403, strangers 401; media fetched by a viewer shows up.
func TestMetricsForAdminsOnly(t *testing.T) {
	env := newTestServer(t)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	if got := env.do(t, http.MethodGet, "/metrics", nil, nil, nil); got.status != http.StatusUnauthorized {
		t.Errorf("without a session: %d, want 401", got.status)
	}
	if got := env.do(t, http.MethodGet, "/metrics", viewer, nil, nil); got.status != http.StatusForbidden {
		t.Errorf("as a viewer: %d, want 403", got.status)
	}
	env.do(t, http.MethodGet, "/live/main/p_video_p1.mp4", viewer, nil, nil)
	got := env.do(t, http.MethodGet, "/metrics", sessionFor(t, env, "root", RoleAdmin), nil, nil)
	if got.status != http.StatusOK || !strings.HasPrefix(got.header.Get("Content-Type"), "text/plain") {
		t.Fatalf("as an admin: %d %s", got.status, got.header.Get("Content-Type"))
	}
	for _, want := range []string{"llcast_viewers 1\n", `llcast_origin_requests_total{kind="part"} 1` + "\n"} {
		if !strings.Contains(string(got.body), want) {
			t.Errorf("metrics lack %q:\n%s", want, got.body)
		}
	}
}
