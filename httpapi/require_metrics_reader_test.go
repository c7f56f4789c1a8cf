package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

// TestMetricsAuth: the metrics token as a bearer token, or an admin's
// session, reads /metrics; anything else gets 401 (a viewer's session
// 403), never a redirect, and the log never holds a token.
func TestMetricsAuth(t *testing.T) {
	env, token := metricsEnv(t)
	good, err := LoadOrCreateMetricsToken(token.Path)
	if err != nil {
		t.Fatal(err)
	}
	viewer := sessionFor(t, env, "alice", RoleViewer)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range []struct {
		name   string
		cookie *http.Cookie
		header map[string]string
		want   int
	}{
		{"nothing", nil, nil, 401},
		{"the token", nil, bearer(good), 200},
		{"the token, scheme in lower case", nil, map[string]string{"Authorization": "bearer " + good}, 200},
		{"a wrong token", nil, bearer("x" + good[1:]), 401},
		{"an empty token", nil, bearer(""), 401},
		{"basic auth", nil, map[string]string{"Authorization": "Basic " + good}, 401},
		{"an admin's session", admin, nil, 200},
		{"a viewer's session", viewer, nil, 403},
		{"a viewer's session and a wrong token", viewer, bearer("wrong"), 401},
		{"an admin's session and a wrong token", admin, bearer("wrong"), 401},
	} {
		r := env.do(t, http.MethodGet, "/metrics", c.cookie, nil, c.header)
		if r.status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.status, c.want, r.body)
		}
		if r.status == 200 && !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") {
			t.Errorf("%s: Content-Type %q", c.name, r.header.Get("Content-Type"))
		}
		if r.status == 401 && r.header.Get("Location") != "" {
			t.Errorf("%s: redirected to %s", c.name, r.header.Get("Location"))
		}
	}

	// A rotated token works from the next scrape on; the old one no longer.
	rotated, err := RotateMetricsToken(token.Path)
	if err != nil {
		t.Fatal(err)
	}
	if r := env.do(t, http.MethodGet, "/metrics", nil, nil, bearer(good)); r.status != 401 {
		t.Errorf("the old token after rotation: %d, want 401", r.status)
	}
	if r := env.do(t, http.MethodGet, "/metrics", nil, nil, bearer(rotated)); r.status != 200 {
		t.Errorf("the new token after rotation: %d, want 200", r.status)
	}
	logs := env.logs.String()
	if strings.Contains(logs, good) || strings.Contains(logs, rotated) || strings.Contains(logs, good[1:]) {
		t.Errorf("the log holds a token:\n%s", logs)
	}
	if !strings.Contains(logs, "not the metrics token") {
		t.Errorf("the log does not say why a token was refused:\n%s", logs)
	}
}
