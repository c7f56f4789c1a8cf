package httpapi

import (
	"encoding/json"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi/auth"
)

func newLinkServer(t *testing.T) (*testEnv, *LinkStore) {
	t.Helper()
	links := &LinkStore{Path: filepath.Join(t.TempDir(), LinksFile)}
	env := newTestServerWith(t, func(s *Server) {
		s.Users = emptyUsers(t)
		s.Links = links
	})
	return env, links
}

// issueLink makes a link for stream the way the API does.
func issueLink(t *testing.T, env *testEnv, links *LinkStore, stream string) (Link, string) {
	t.Helper()
	l, err := links.New(stream, "alice", "", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	token, err := env.srv.Auth.IssueLink(l)
	if err != nil {
		t.Fatal(err)
	}
	return l, token
}

func TestStreamLinks(t *testing.T) {
	env, links := newLinkServer(t)
	main, mainToken := issueLink(t, env, links, "main")
	_, otherToken := issueLink(t, env, links, "other")
	revoked, revokedToken := issueLink(t, env, links, "main")
	if _, err := links.Revoke(revoked.ID); err != nil {
		t.Fatal(err)
	}
	expiredToken, err := env.srv.Auth.IssueLink(Link{
		ID: main.ID, Stream: "main", Subject: "alice",
		Created: time.Now().Add(-2 * time.Hour), Expires: time.Now().Add(-time.Hour),
	})
	if err != nil {
		t.Fatal(err)
	}
	session := sessionFor(t, env, "alice", RoleViewer)
	linkCookie := &http.Cookie{Name: CookieName, Value: mainToken}
	q := func(token string) string { return "?" + LinkParam + "=" + url.QueryEscape(token) }

	cases := []struct {
		name   string
		path   string
		cookie *http.Cookie
		want   int
	}{
		{"link on its stream", "/live/main/index.m3u8" + q(mainToken), nil, 200},
		{"link on a child URI", "/live/main/video.m3u8" + q(mainToken) + "&_HLS_msn=3", nil, 200},
		{"link for another stream", "/live/main/index.m3u8" + q(otherToken), nil, 401},
		{"revoked link", "/live/main/index.m3u8" + q(revokedToken), nil, 401},
		{"expired link", "/live/main/index.m3u8" + q(expiredToken), nil, 401},
		{"session token as a link", "/live/main/index.m3u8" + q(session.Value), nil, 401},
		{"garbage link", "/live/main/index.m3u8" + q("abc"), nil, 401},
		{"session cookie", "/live/main/index.m3u8", session, 200},
		{"link token as a cookie", "/live/main/index.m3u8", linkCookie, 401},
		{"link token as a cookie on the API", "/api/qr.png?text=x", linkCookie, 401},
		{"link on the API", "/api/qr.png?text=x&" + LinkParam + "=" + url.QueryEscape(mainToken), nil, 401},
	}
	for _, c := range cases {
		if got := env.do(t, "GET", c.path, c.cookie, nil, nil).status; got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// The watch page does not take a link token for a session either.
	if got := env.do(t, "GET", "/", linkCookie, nil, nil).status; got != http.StatusSeeOther {
		t.Errorf("watch page with a link token as cookie: %d, want 303 to the login", got)
	}
	for _, token := range []string{mainToken, otherToken, revokedToken, expiredToken, session.Value} {
		if strings.Contains(env.logs.String(), token) {
			t.Fatal("a token reached the log")
		}
	}
}

func TestAuthSubrequest(t *testing.T) {
	env, links := newLinkServer(t)
	_, token := issueLink(t, env, links, "main")
	session := sessionFor(t, env, "alice", RoleViewer)
	cases := []struct {
		name   string
		uri    string
		cookie *http.Cookie
		want   int
	}{
		{"cookie", "/live/main/part12.mp4", session, 204},
		{"link", "/live/main/seg3.mp4?" + LinkParam + "=" + url.QueryEscape(token), nil, 204},
		{"link for another stream", "/live/tv/seg3.mp4?" + LinkParam + "=" + url.QueryEscape(token), nil, 401},
		{"nothing", "/live/main/seg3.mp4", nil, 401},
		{"not media", "/api/studio", session, 401},
		{"no URI", "", session, 401},
		{"dot-dot", "/live/main/../../etc", session, 401},
	}
	for _, c := range cases {
		h := map[string]string{}
		if c.uri != "" {
			h[OriginalURIHeader] = c.uri
		}
		if got := env.do(t, "GET", "/auth/live", c.cookie, nil, h).status; got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	if strings.Contains(env.logs.String(), token) {
		t.Fatal("a link token reached the log")
	}
}

func TestLinkAPI(t *testing.T) {
	env, _ := newLinkServer(t)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	admin := sessionFor(t, env, "boss", RoleAdmin)

	r := env.do(t, "POST", "/api/links", viewer, strings.NewReader(`{"ttl":"2h","label":"TV"}`), nil)
	if r.status != http.StatusCreated {
		t.Fatalf("POST /api/links: %d %s", r.status, r.body)
	}
	var made linkReply
	if err := json.Unmarshal(r.body, &made); err != nil {
		t.Fatal(err)
	}
	if made.Stream != "main" || made.Subject != "alice" || made.Label != "TV" ||
		made.Expires.Sub(made.Created) != 2*time.Hour || !strings.HasPrefix(made.URL, env.url+"/live/main/index.m3u8?token=") ||
		!strings.HasPrefix(made.QR, "data:image/png;base64,") {
		t.Fatalf("link %+v", made)
	}
	u, _ := url.Parse(made.URL)
	if got := env.do(t, "GET", u.RequestURI(), nil, nil, nil).status; got != 200 {
		t.Fatalf("the new link: %d", got)
	}
	for _, bad := range []string{`{"ttl":"forever"}`, `{"ttl":"1s"}`, `not json`} {
		if r := env.do(t, "POST", "/api/links", viewer, strings.NewReader(bad), nil); r.status != 400 {
			t.Errorf("POST %s: %d, want 400", bad, r.status)
		}
	}
	if r := env.do(t, "POST", "/api/links", nil, nil, nil); r.status != 401 {
		t.Errorf("POST /api/links without a session: %d", r.status)
	}
	if r := env.do(t, "POST", "/api/links", viewer, nil, map[string]string{"Sec-Fetch-Site": "cross-site"}); r.status != 403 {
		t.Errorf("cross-site POST /api/links: %d", r.status)
	}

	// Admins list and revoke; viewers may not.
	if r := env.do(t, "GET", "/api/studio/links", viewer, nil, nil); r.status != 403 {
		t.Errorf("viewer listing links: %d", r.status)
	}
	r = env.do(t, "POST", "/api/studio/links/"+made.ID+"/revoke", admin, nil, nil)
	var listed []Link
	if r.status != 200 || json.Unmarshal(r.body, &listed) != nil || len(listed) != 1 || !listed[0].Revoked {
		t.Fatalf("revoke: %d %s", r.status, r.body)
	}
	if got := env.do(t, "GET", u.RequestURI(), nil, nil, nil).status; got != 401 {
		t.Fatalf("a revoked link still plays: %d", got)
	}
	if r := env.do(t, "POST", "/api/studio/links/nope/revoke", admin, nil, nil); r.status != 404 {
		t.Errorf("revoking an unknown link: %d", r.status)
	}
	if strings.Contains(env.logs.String(), u.Query().Get(LinkParam)) {
		t.Fatal("the link's token reached the log")
	}
}

// TestLinkAPIGrants: a viewer makes links only for the streams they may
// watch, and only for streams that exist.
func TestLinkAPIGrants(t *testing.T) {
	streams := &auth.StreamStore{Path: filepath.Join(t.TempDir(), auth.StreamsFile)}
	if _, err := streams.Add("backstage", auth.SourcePush, "", false); err != nil {
		t.Fatal(err)
	}
	env := newTestServerWith(t, func(s *Server) {
		s.Users = emptyUsers(t)
		s.Links = &LinkStore{Path: filepath.Join(t.TempDir(), LinksFile)}
		s.StreamStore = streams
	})
	mainOnly := sessionWith(t, env, "bob", "main")
	backstageOnly := sessionWith(t, env, "carol", "backstage")
	everything := sessionFor(t, env, "dave", RoleViewer)
	for _, c := range []struct {
		name       string
		cookie     *http.Cookie
		body       string
		want       int
		wantStream string
	}{
		{"granted", mainOnly, `{"stream":"main"}`, 201, "main"},
		{"granted default stream", mainOnly, ``, 201, "main"},
		{"not granted", mainOnly, `{"stream":"backstage"}`, 403, ""},
		{"default stream not granted", backstageOnly, `{}`, 403, ""},
		{"granted other stream", backstageOnly, `{"stream":"backstage"}`, 201, "backstage"},
		{"all streams", everything, `{"stream":"backstage"}`, 201, "backstage"},
		{"no such stream", everything, `{"stream":"nope"}`, 404, ""},
		{"bad stream name", everything, `{"stream":"../main"}`, 400, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, "POST", "/api/links", c.cookie, strings.NewReader(c.body), nil)
			if r.status != c.want {
				t.Fatalf("%d, want %d: %s", r.status, c.want, r.body)
			}
			var made linkReply
			if c.want == 201 && (json.Unmarshal(r.body, &made) != nil || made.Stream != c.wantStream ||
				!strings.Contains(made.URL, "/live/"+c.wantStream+"/index.m3u8?token=")) {
				t.Fatalf("link %s, want one for %s", r.body, c.wantStream)
			}
		})
	}
}
