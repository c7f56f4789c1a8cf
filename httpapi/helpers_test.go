package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// lockedWriter serializes writes from the server's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return fmt.Sprint(l.w)
}

// sessionFor issues a session cookie without going through the login form
// (and its rate limit). Different names give different sessions.
func sessionFor(t *testing.T, env *testEnv, name, role string) *http.Cookie {
	t.Helper()
	token, _, err := env.srv.Auth.Issue(User{Name: name, Role: role}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return &http.Cookie{Name: CookieName, Value: token}
}

// reply is a response read to the end.
type reply struct {
	status int
	header http.Header
	body   []byte
}

// do sends a request to the test server without following redirects.
func (env *testEnv) do(t *testing.T, method, path string, cookie *http.Cookie, body io.Reader, header map[string]string) reply {
	t.Helper()
	req, err := http.NewRequest(method, env.url+path, body)
	if err != nil {
		t.Fatal(err)
	}
	if cookie != nil {
		req.AddCookie(cookie)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := noRedirect(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return reply{status: resp.StatusCode, header: resp.Header, body: b}
}

// waitFor polls cond until it holds, failing the test after 5 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// emptyUsers is a user store without accounts.
func emptyUsers(t *testing.T) *UserStore {
	return &UserStore{Path: filepath.Join(t.TempDir(), UsersFile)}
}
