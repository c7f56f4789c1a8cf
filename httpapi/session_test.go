package httpapi

import (
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

// sessionEnv is a server whose TokenAuth checks sessions against its user
// store, as serve wires it; the store holds the admin root and the viewer
// alice.
type sessionEnv struct {
	*testEnv
	users *UserStore
	links *LinkStore
}

func newSessionEnv(t *testing.T) *sessionEnv {
	t.Helper()
	dir := t.TempDir()
	env := &sessionEnv{
		users: &UserStore{Path: filepath.Join(dir, UsersFile), cost: bcrypt.MinCost},
		links: &LinkStore{Path: filepath.Join(dir, LinksFile)},
	}
	for name, role := range map[string]string{"root": RoleAdmin, "alice": RoleViewer} {
		if err := env.users.Put(name, role, "long enough"); err != nil {
			t.Fatal(err)
		}
	}
	env.testEnv = newTestServerWith(t, func(s *Server) {
		s.Users, s.Links = env.users, env.links
		s.Auth.Users = env.users
	})
	return env
}

// login issues a session for name as the login form does: from the
// user's record as the store holds it now.
func (env *sessionEnv) login(t *testing.T, name string) *http.Cookie {
	t.Helper()
	u, ok, err := env.users.Get(name)
	if err != nil || !ok {
		t.Fatalf("user %s: %v, %v", name, ok, err)
	}
	token, _, err := env.srv.Auth.Issue(u, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: CookieName, Value: token}
}

// statuses are what a session gets on media, the stream list page, the
// watch page, the API, the admin API and a reverse proxy's auth
// subrequest for media.
func (env *sessionEnv) statuses(t *testing.T, c *http.Cookie) [6]int {
	t.Helper()
	return [6]int{
		env.do(t, "GET", "/live/main/index.m3u8", c, nil, nil).status,
		env.do(t, "GET", "/", c, nil, nil).status,
		env.do(t, "GET", "/watch/main", c, nil, nil).status,
		env.do(t, "GET", "/api/streams", c, nil, nil).status,
		env.do(t, "GET", "/metrics", c, nil, nil).status,
		env.do(t, "GET", "/auth/live", c, nil, map[string]string{OriginalURIHeader: "/live/main/part1.mp4"}).status,
	}
}

var (
	viewerAllowed = [6]int{200, 200, 200, 200, 403, 204}
	adminAllowed  = [6]int{200, 200, 200, 200, 200, 204}
	sessionDead   = [6]int{401, 303, 303, 401, 401, 401}
)

// TestSessionsEnd: logout, a new password, a new role or new streams and
// removal end the sessions issued before, on media, pages and the API,
// within the server and from another store on the file (`llcast user`);
// a session issued afterwards works.
func TestSessionsEnd(t *testing.T) {
	for _, c := range []struct {
		name   string
		user   string
		change func(t *testing.T, env *sessionEnv, other *UserStore)
		after  [6]int // a new login's statuses; zero: it cannot log in
	}{
		{"logout", "alice", func(t *testing.T, env *sessionEnv, _ *UserStore) {
			r := env.do(t, "POST", "/logout", env.login(t, "alice"), nil, nil)
			if r.status != http.StatusSeeOther || !strings.Contains(r.header.Get("Set-Cookie"), "Max-Age=0") {
				t.Fatalf("logout: %d, Set-Cookie %q", r.status, r.header.Get("Set-Cookie"))
			}
		}, viewerAllowed},
		{"new password", "alice", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if err := other.SetPassword("alice", "another password"); err != nil {
				t.Fatal(err)
			}
		}, viewerAllowed},
		{"demotion", "root", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if err := other.Put("root2", RoleAdmin, "long enough"); err != nil {
				t.Fatal(err)
			}
			if err := other.Put("root", RoleViewer, "long enough"); err != nil {
				t.Fatal(err)
			}
		}, viewerAllowed},
		{"promotion", "alice", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if err := other.Put("alice", RoleAdmin, "long enough"); err != nil {
				t.Fatal(err)
			}
		}, adminAllowed},
		{"new streams", "alice", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if err := other.Put("alice", RoleViewer, "long enough", "main", "stage"); err != nil {
				t.Fatal(err)
			}
		}, viewerAllowed},
		{"removal", "alice", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if _, err := other.Remove("alice"); err != nil {
				t.Fatal(err)
			}
		}, [6]int{}},
		{"removal and the same name added again", "alice", func(t *testing.T, _ *sessionEnv, other *UserStore) {
			if _, err := other.Remove("alice"); err != nil {
				t.Fatal(err)
			}
			if err := other.Put("alice", RoleViewer, "long enough"); err != nil {
				t.Fatal(err)
			}
		}, viewerAllowed},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newSessionEnv(t)
			old := env.login(t, c.user)
			want := viewerAllowed
			if c.user == "root" {
				want = adminAllowed
			}
			if got := env.statuses(t, old); got != want {
				t.Fatalf("before: %v, want %v", got, want)
			}
			other := &UserStore{Path: env.users.Path, cost: bcrypt.MinCost}
			c.change(t, env, other)
			// Another store's change shows within viewRecheck.
			waitFor(t, "the old session to end", func() bool { return env.statuses(t, old) == sessionDead })
			if c.after == [6]int{} {
				if _, ok, _ := env.users.Get(c.user); ok {
					t.Fatal("the user is still there")
				}
				return
			}
			if got := env.statuses(t, env.login(t, c.user)); got != c.after {
				t.Fatalf("a new session: %v, want %v", got, c.after)
			}
			if got := env.statuses(t, old); got != sessionDead {
				t.Fatalf("the old session after a new login: %v, want %v", got, sessionDead)
			}
		})
	}
}

// TestLogoutEndsSessionAtOnce: the server's own logout counts at the next
// request, not after viewRecheck, and only for that user.
func TestLogoutEndsSessionAtOnce(t *testing.T) {
	env := newSessionEnv(t)
	alice, root := env.login(t, "alice"), env.login(t, "root")
	if got := env.statuses(t, alice); got != viewerAllowed {
		t.Fatalf("before: %v", got)
	}
	env.do(t, "POST", "/logout", alice, nil, nil)
	if got := env.statuses(t, alice); got != sessionDead {
		t.Fatalf("right after logout: %v, want %v", got, sessionDead)
	}
	if got := env.statuses(t, root); got != adminAllowed {
		t.Fatalf("another user's session after alice's logout: %v", got)
	}
	// Logging out without a session changes nothing, and says so the same.
	if r := env.do(t, "POST", "/logout", nil, nil, nil); r.status != http.StatusSeeOther {
		t.Fatalf("logout without a session: %d", r.status)
	}
}

// TestSessionSameMillisecond: sessions end to the millisecond. A session
// issued in the millisecond of a logout, or earlier in its second, ends;
// a login in that same millisecond right after it works; two logouts in
// one millisecond end the session issued between them.
func TestSessionSameMillisecond(t *testing.T) {
	users := &UserStore{Path: filepath.Join(t.TempDir(), UsersFile), cost: bcrypt.MinCost}
	if err := users.Put("alice", RoleViewer, "long enough"); err != nil {
		t.Fatal(err)
	}
	a := newTestAuth(t)
	a.Users = users
	record := func() User {
		u, _, err := users.Get("alice")
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	issue := func(u User, at time.Time) string {
		token, _, err := a.Issue(u, at)
		if err != nil {
			t.Fatal(err)
		}
		return token
	}
	stands := func(token string) bool {
		_, err := a.Verify(token)
		if err != nil && !errors.Is(err, ErrSessionEnded) {
			t.Fatalf("refused for another reason: %v", err)
		}
		return err == nil
	}
	// A logout at 0.5004 s past the next whole second: after the record
	// was read, and near enough for iat (30 s of skew).
	logout := time.Now().Truncate(time.Second).Add(time.Second + 500*time.Millisecond + 400*time.Microsecond)
	before := record()
	earlier := issue(before, logout.Add(-300*time.Millisecond)) // same second, iat equal
	sameMs := issue(before, logout.Add(-100*time.Microsecond))  // same millisecond, just before
	if !stands(earlier) || !stands(sameMs) {
		t.Fatal("sessions before the logout did not stand")
	}
	if err := users.EndSessions("alice", logout); err != nil {
		t.Fatal(err)
	}
	legacy := forge(map[string]any{"alg": "HS256"}, map[string]any{ // no iat_ms: whole seconds
		"sub": "alice", "role": "viewer", "iat": logout.Unix(), "exp": logout.Add(time.Hour).Unix(),
	}, testKey, "HS256")
	for name, token := range map[string]string{"same second": earlier, "same millisecond": sameMs, "whole-second iat": legacy} {
		if stands(token) {
			t.Errorf("a session issued before the logout (%s) still stands", name)
		}
	}
	// The login right after, in the same millisecond, reads the new record.
	after := issue(record(), logout)
	if !stands(after) {
		t.Fatal("a login in the millisecond of the logout, after it, does not stand")
	}
	// A second logout in that millisecond ends it.
	if err := users.EndSessions("alice", logout); err != nil {
		t.Fatal(err)
	}
	if stands(after) {
		t.Fatal("a second logout in the same millisecond left the session between them standing")
	}
	if !stands(issue(record(), logout)) {
		t.Fatal("a login after the second logout does not stand")
	}
}

// TestRemovedCreatorsLinks: the links of a removed user get 401, both
// revoked in the store and, were they not, because their creator is
// gone; links made with `llcast link` have no creator to lose.
func TestRemovedCreatorsLinks(t *testing.T) {
	env := newSessionEnv(t)
	link := func(subject string) string {
		l, err := env.links.New("main", subject, "", time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		token, err := env.srv.Auth.IssueLink(l)
		if err != nil {
			t.Fatal(err)
		}
		return "/live/main/index.m3u8?" + LinkParam + "=" + token
	}
	mine, cli, roots := link("alice"), link(CLILinkSubject), link("root")
	for _, u := range []string{mine, cli, roots} {
		if got := env.do(t, "GET", u, nil, nil, nil).status; got != 200 {
			t.Fatalf("a link before the removal: %d", got)
		}
	}
	// Removed without revoking the links: the creator check alone.
	if _, err := env.users.Remove("alice"); err != nil {
		t.Fatal(err)
	}
	if got := env.do(t, "GET", mine, nil, nil, nil).status; got != 401 {
		t.Errorf("the link of a removed user: %d, want 401", got)
	}
	h := map[string]string{OriginalURIHeader: mine}
	if got := env.do(t, "GET", "/auth/live", nil, nil, h).status; got != 401 {
		t.Errorf("the auth subrequest for the link of a removed user: %d, want 401", got)
	}
	for _, u := range []string{cli, roots} {
		if got := env.do(t, "GET", u, nil, nil, nil).status; got != 200 {
			t.Errorf("another creator's link after the removal: %d", got)
		}
	}
	if n, err := env.links.RevokeBy("alice"); err != nil || n != 1 {
		t.Fatalf("RevokeBy: %d, %v", n, err)
	}
	if n, err := env.links.RevokeBy("alice"); err != nil || n != 0 {
		t.Fatalf("RevokeBy again: %d, %v", n, err)
	}
}

// TestSessionCheckAfterCache: a token remembered by TokenAuth is still
// checked against the users at every Verify.
func TestSessionCheckAfterCache(t *testing.T) {
	env := newSessionEnv(t)
	c := env.login(t, "alice")
	for range 3 {
		if _, err := env.srv.Auth.Verify(c.Value); err != nil {
			t.Fatal(err)
		}
	}
	if _, ok := env.srv.Auth.verified.get(c.Value, time.Now()); !ok {
		t.Fatal("the token was not remembered")
	}
	if err := env.users.EndSessions("alice", time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := env.srv.Auth.Verify(c.Value); !errors.Is(err, ErrSessionEnded) || !errors.Is(err, ErrBadToken) {
		t.Fatalf("a remembered token after logout: %v, want ErrSessionEnded and ErrBadToken", err)
	}
}

// BenchmarkCheckToken is the cost the session check adds to a request:
// the view, and a stat of users.json every viewRecheck.
func BenchmarkCheckToken(b *testing.B) {
	users := &UserStore{Path: filepath.Join(b.TempDir(), UsersFile), cost: bcrypt.MinCost}
	if err := users.Put("alice", RoleViewer, "long enough", "main"); err != nil {
		b.Fatal(err)
	}
	u, _, _ := users.Get("alice")
	c := Claims{Subject: "alice", Role: RoleViewer, Streams: u.Streams, Issued: time.Now().Add(time.Second)}
	b.Run("view", func(b *testing.B) {
		for b.Loop() {
			if err := users.CheckToken(c); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What each call would cost if it looked at the file every time.
	b.Run("stat each call", func(b *testing.B) {
		for b.Loop() {
			users.mu.Lock()
			err := users.refresh()
			users.mu.Unlock()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	a := &TokenAuth{Key: testKey, Users: users}
	if err := a.Start(); err != nil {
		b.Fatal(err)
	}
	token, _, _ := a.Issue(u, time.Now())
	b.Run("Verify remembered token", func(b *testing.B) {
		for b.Loop() {
			if _, err := a.Verify(token); err != nil {
				b.Fatal(err)
			}
		}
	})
}
