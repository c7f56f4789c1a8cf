package httpapi

import (
	"net/http"
	"strings"
	"testing"
)

func TestWatchPage(t *testing.T) {
	env, store := newStreamServer(t, func(s *Server) { s.Streams = liveStreams{"main": true} })
	threeStreams(t, store)
	admin := sessionFor(t, env, "root", RoleAdmin)
	bob := sessionWith(t, env, "bob", "main")
	for _, c := range []struct {
		name         string
		path         string
		cookie       *http.Cookie
		want         int
		wantLocation string
		wantBody     []string
	}{
		{"logged out", "/watch/stage", nil, 303, "/login?next=%2Fwatch%2Fstage", nil},
		{"logged out, bad name", "/watch/Nope", nil, 303, "/login", nil},
		{"bad cookie", "/watch/main", &http.Cookie{Name: CookieName, Value: "x"}, 303, "/login?next=%2Fwatch%2Fmain", nil},
		{"main", "/watch/main", admin, 200, "", []string{
			`data-stream="main"`, `data-src="/live/main/index.m3u8"`, `data-vod="false"`, `<title>main · llcast</title>`, "root",
		}},
		// Offline streams have their page too: it waits for them.
		{"push stream", "/watch/stage", admin, 200, "", []string{`data-src="/live/stage/index.m3u8"`, `data-vod="false"`}},
		{"on demand", "/watch/film", admin, 200, "", []string{`data-src="/live/film/index.m3u8"`, `data-vod="true"`}},
		{"granted", "/watch/main", bob, 200, "", []string{`data-src="/live/main/index.m3u8"`, "bob"}},
		{"not granted", "/watch/stage", bob, 403, "", []string{"Forbidden", "You may not watch the stream “stage”"}},
		// Not even whether it exists.
		{"not granted, no such stream", "/watch/nope", bob, 403, "", []string{"Forbidden"}},
		{"no such stream", "/watch/nope", admin, 404, "", []string{"No such stream", "There is no stream called “nope”"}},
		{"bad name", "/watch/Bad%3Cb%3E", admin, 404, "", []string{"No such stream", "&lt;b&gt;"}},
		{"no name", "/watch/", admin, 404, "", nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, "GET", c.path, c.cookie, nil, nil)
			if r.status != c.want || r.header.Get("Location") != c.wantLocation {
				t.Fatalf("%d → %q, want %d → %q\n%s", r.status, r.header.Get("Location"), c.want, c.wantLocation, r.body)
			}
			body := string(r.body)
			for _, want := range c.wantBody {
				if !strings.Contains(body, want) {
					t.Errorf("the page lacks %q:\n%s", want, body)
				}
			}
			if strings.Contains(body, "<b>") {
				t.Errorf("the stream name is not escaped:\n%s", body)
			}
			if c.wantBody != nil && (r.header.Get("Cache-Control") != "no-store" ||
				r.header.Get("Content-Type") != "text/html; charset=utf-8") {
				t.Errorf("Cache-Control %q, Content-Type %q", r.header.Get("Cache-Control"), r.header.Get("Content-Type"))
			}
		})
	}
	if !strings.Contains(env.logs.String(), `msg=forbidden component=httpapi path=/watch/stage user=bob stream=stage reason="no grant"`) {
		t.Errorf("the log does not say why bob was refused:\n%s", env.logs)
	}
}

// TestWatchPageWithoutStore: the default stream is the only one.
func TestWatchPageWithoutStore(t *testing.T) {
	env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t); s.DefaultStream = "cam" })
	alice := sessionFor(t, env, "alice", RoleViewer)
	for path, want := range map[string]int{"/watch/cam": 200, "/watch/main": 404} {
		if r := env.do(t, "GET", path, alice, nil, nil); r.status != want {
			t.Errorf("GET %s: %d, want %d", path, r.status, want)
		}
	}
}
