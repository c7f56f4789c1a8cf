package main

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi"
)

// sessionStatuses are what a replayed session cookie gets: media, the
// stream list (/), the API, and the admin-only /metrics.
type sessionStatuses struct{ media, page, api, metrics int }

func replay(t *testing.T, base, token string) sessionStatuses {
	t.Helper()
	return sessionStatuses{
		media:   fetchWithCookie(t, base+"/live/main/index.m3u8", token).StatusCode,
		page:    fetchWithCookie(t, base+"/", token).StatusCode,
		api:     fetchWithCookie(t, base+"/api/streams", token).StatusCode,
		metrics: fetchWithCookie(t, base+"/metrics", token).StatusCode,
	}
}

var (
	viewerSession = sessionStatuses{200, 200, 200, 403}
	adminSession  = sessionStatuses{200, 200, 200, 200}
	// An ended session: 401 on media and on the API (the admin API
	// included: the session is over, whatever it may have done), and /
	// sends to the login form, as without a cookie.
	endedSession = sessionStatuses{401, 303, 401, 401}
)

// untilEnded waits for a change made by another process (`llcast user`)
// to reach the server, which looks at users.json every 100 ms: up to 5 s
// on a busy machine. It fails the test if the session never ends.
func untilEnded(t *testing.T, base, token string) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for fetchWithCookie(t, base+"/live/main/index.m3u8", token).StatusCode != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("the session still works 5 s after the change")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// cli runs an llcast command on the server's data directory.
func (s *testServer) cli(t *testing.T, stdin string, args ...string) string {
	t.Helper()
	var out strings.Builder
	if err := run(context.Background(), append(args, "--data", s.DataDir), strings.NewReader(stdin), &out, io.Discard); err != nil {
		t.Fatalf("llcast %s: %v", strings.Join(args, " "), err)
	}
	return out.String()
}

// postLink asks the server for a stream link with the session token.
func postLink(t *testing.T, base, token, body string) (int, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, base+"/api/links", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.AddCookie(&http.Cookie{Name: httpapi.CookieName, Value: token})
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var reply map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&reply)
	return resp.StatusCode, reply
}

// sessionExpiry reads exp from a session token (no need to check it:
// the server made it).
func sessionExpiry(t *testing.T, token string) time.Time {
	t.Helper()
	parts := strings.Split(token, ".")
	raw, err := base64.RawURLEncoding.DecodeString(parts[1])
	var claims struct{ Exp int64 }
	if err != nil || json.Unmarshal(raw, &claims) != nil || claims.Exp == 0 {
		t.Fatalf("no exp in the session token: %v", err)
	}
	return time.Unix(claims.Exp, 0)
}

// TestE2ESessionsEnd: a session cookie replayed after the user logs out,
// gets a new password, is demoted or is removed gets 401 on media, the
// login form on / and 401 on the API; a login right after a logout works;
// a removed user's links get 401; a viewer's link ends with their
// session.
func TestE2ESessionsEnd(t *testing.T) {
	srv := startServer(t) // alice, a viewer
	for name, role := range map[string]string{"root": httpapi.RoleAdmin, "bob": httpapi.RoleViewer, "carol": httpapi.RoleViewer} {
		addUser(t, srv.DataDir, name, role, testPassword)
	}

	t.Run("logout", func(t *testing.T) {
		old := loginAt(t, srv.URL, testUser, testPassword)
		other := loginAt(t, srv.URL, testUser, testPassword) // another device
		if got := replay(t, srv.URL, old); got != viewerSession {
			t.Fatalf("before logout: %+v", got)
		}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/logout", nil)
		req.AddCookie(&http.Cookie{Name: httpapi.CookieName, Value: old})
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("logout: %d, Set-Cookie %q", resp.StatusCode, resp.Header.Get("Set-Cookie"))
		}
		// The server's own change: no wait.
		for _, token := range []string{old, other} {
			if got := replay(t, srv.URL, token); got != endedSession {
				t.Errorf("a session after logout: %+v, want %+v", got, endedSession)
			}
		}
		fresh := loginAt(t, srv.URL, testUser, testPassword)
		if got := replay(t, srv.URL, fresh); got != viewerSession {
			t.Fatalf("a login right after logout: %+v, want %+v", got, viewerSession)
		}
	})

	t.Run("llcast user passwd", func(t *testing.T) {
		old := loginAt(t, srv.URL, "bob", testPassword)
		out := srv.cli(t, "a brand new password\n", "user", "passwd", "bob", "--password-stdin")
		if !strings.Contains(out, "sessions have ended") {
			t.Errorf("user passwd printed %q", out)
		}
		untilEnded(t, srv.URL, old)
		if got := replay(t, srv.URL, old); got != endedSession {
			t.Errorf("a session after a new password: %+v, want %+v", got, endedSession)
		}
		if got := replay(t, srv.URL, loginAt(t, srv.URL, "bob", "a brand new password")); got != viewerSession {
			t.Errorf("a login with the new password: %+v, want %+v (the role stays)", got, viewerSession)
		}
	})

	t.Run("demotion", func(t *testing.T) {
		old := loginAt(t, srv.URL, "root", testPassword)
		if got := replay(t, srv.URL, old); got != adminSession {
			t.Fatalf("admin before: %+v", got)
		}
		srv.cli(t, testPassword+"\n", "user", "add", "root", "--role", "viewer", "--password-stdin")
		untilEnded(t, srv.URL, old)
		if got := replay(t, srv.URL, old); got != endedSession {
			t.Errorf("the admin session after a demotion: %+v, want %+v", got, endedSession)
		}
		// Logged in again, the admin API says 403: a viewer's session.
		if got := replay(t, srv.URL, loginAt(t, srv.URL, "root", testPassword)); got != viewerSession {
			t.Errorf("a login after the demotion: %+v, want %+v", got, viewerSession)
		}
	})

	t.Run("llcast user remove", func(t *testing.T) {
		old := loginAt(t, srv.URL, "carol", testPassword)
		status, reply := postLink(t, srv.URL, old, `{"ttl":"1h","label":"carol's TV"}`)
		link, _ := reply["url"].(string)
		if status != http.StatusCreated || link == "" {
			t.Fatalf("POST /api/links: %d %v", status, reply)
		}
		if got := fetchWithCookie(t, link, "").StatusCode; got != http.StatusOK {
			t.Fatalf("carol's link before the removal: %d", got)
		}
		out := srv.cli(t, "", "user", "remove", "carol")
		if !strings.Contains(out, "revoked 1 stream link(s)") {
			t.Errorf("user remove printed %q", out)
		}
		untilEnded(t, srv.URL, old)
		if got := replay(t, srv.URL, old); got != endedSession {
			t.Errorf("a removed user's session: %+v, want %+v", got, endedSession)
		}
		if got := fetchWithCookie(t, link, "").StatusCode; got != http.StatusUnauthorized {
			t.Errorf("a removed user's link: %d, want 401", got)
		}
	})

	t.Run("a viewer's link ends with the session", func(t *testing.T) {
		session := loginAt(t, srv.URL, testUser, testPassword)
		ends := sessionExpiry(t, session)
		status, reply := postLink(t, srv.URL, session, `{"ttl":"2160h"}`)
		expires, err := time.Parse(time.RFC3339, reply["expires"].(string))
		if status != http.StatusCreated || err != nil || reply["capped"] != true {
			t.Fatalf("a viewer's 90-day link: %d %v", status, reply)
		}
		if expires.After(ends) || expires.Before(ends.Add(-time.Minute)) {
			t.Errorf("a viewer's link expires %v, the session %v", expires, ends)
		}
	})
}
