package httpapi

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// sessionWith issues a session cookie for a viewer limited to streams.
func sessionWith(t *testing.T, env *testEnv, name string, streams ...string) *http.Cookie {
	t.Helper()
	token, _, err := env.srv.Auth.Issue(User{Name: name, Role: RoleViewer, Streams: streams}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: CookieName, Value: token}
}

// TestMediaGrants: a session limited to some streams gets 403 on the
// others' media, directly and through a reverse proxy's auth_request;
// without a valid session it stays 401.
func TestMediaGrants(t *testing.T) {
	env, _ := newLinkServer(t)
	mainOnly := sessionWith(t, env, "bob", "main")
	backstageOnly := sessionWith(t, env, "carol", "backstage")
	everything := sessionFor(t, env, "dave", RoleViewer)
	admin := sessionFor(t, env, "root", RoleAdmin)
	cases := []struct {
		name   string
		stream string
		cookie *http.Cookie
		media  int // GET /live/{stream}/index.m3u8; 404 is "let through, no such stream"
		proxy  int // GET /auth/live
	}{
		{"granted", "main", mainOnly, 200, 204},
		{"not granted", "backstage", mainOnly, 403, 403},
		{"not granted main", "main", backstageOnly, 403, 403},
		{"granted, not live", "backstage", backstageOnly, 404, 204},
		{"no grants: all", "backstage", everything, 404, 204},
		{"admin", "backstage", admin, 404, 204},
		{"no session", "backstage", nil, 401, 401},
		{"bad session", "main", &http.Cookie{Name: CookieName, Value: "x"}, 401, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, "GET", "/live/"+c.stream+"/index.m3u8", c.cookie, nil, nil)
			if r.status != c.media {
				t.Errorf("media: %d, want %d", r.status, c.media)
			}
			if r.status == 403 && (strings.TrimSpace(string(r.body)) != "forbidden" || r.header.Get("Cache-Control") != "no-store") {
				t.Errorf("403 answer %q, Cache-Control %q", r.body, r.header.Get("Cache-Control"))
			}
			h := map[string]string{OriginalURIHeader: "/live/" + c.stream + "/seg1.mp4"}
			if got := env.do(t, "GET", "/auth/live", c.cookie, nil, h).status; got != c.proxy {
				t.Errorf("auth subrequest: %d, want %d", got, c.proxy)
			}
		})
	}
	logs := env.logs.String()
	if !strings.Contains(logs, "msg=forbidden") || !strings.Contains(logs, `may not watch stream \"backstage\"`) {
		t.Errorf("the log does not say why:\n%s", logs)
	}
	for _, c := range []*http.Cookie{mainOnly, backstageOnly} {
		if strings.Contains(logs, c.Value) {
			t.Fatal("a token reached the log")
		}
	}
}
