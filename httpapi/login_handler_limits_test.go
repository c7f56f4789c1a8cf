package httpapi

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/player"
)

// fakeUsers is a user store without bcrypt.
type fakeUsers struct {
	authenticate func(name, password string) (User, error)
	exists       func(name string) bool
}

func (f fakeUsers) Authenticate(name, password string) (User, error) {
	return f.authenticate(name, password)
}
func (f fakeUsers) Exists(name string) bool { return f.exists(name) }

// aliceOnly knows alice, whose password is "right".
var aliceOnly = fakeUsers{
	authenticate: func(name, password string) (User, error) {
		if name == "alice" && password == "right" {
			return User{Name: "alice", Role: RoleViewer}, nil
		}
		return User{}, ErrBadCredentials
	},
	exists: func(name string) bool { return name == "alice" },
}

type loginEnv struct {
	h    *loginHandler
	logs *lockedWriter
	now  time.Time
}

func newLoginEnv(t *testing.T, users loginUsers) *loginEnv {
	t.Helper()
	tmpl, err := player.Templates()
	if err != nil {
		t.Fatal(err)
	}
	env := &loginEnv{logs: &lockedWriter{w: &strings.Builder{}}, now: time.Unix(1_000_000, 0)}
	env.h = &loginHandler{
		users: users, auth: newTestAuth(t), templates: tmpl,
		log:      slog.New(boundedHandler{slog.NewTextHandler(env.logs, nil)}),
		accounts: newAccountLimiter(20, 10*time.Minute, time.Minute),
		now:      func() time.Time { return env.now },
	}
	return env
}

// post logs in from remote; target may be https:// (TLS).
func (env *loginEnv) post(target, remote, name, password string) *httptest.ResponseRecorder {
	form := url.Values{"username": {name}, "password": {password}}
	req := httptest.NewRequest(http.MethodPost, target, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.RemoteAddr = remote
	rec := httptest.NewRecorder()
	env.h.login(rec, req)
	return rec
}

func TestFailedLoginLogsOnlyKnownNames(t *testing.T) {
	broken := fakeUsers{
		authenticate: func(string, string) (User, error) {
			return User{}, errors.New("users.json: unexpected end of JSON input")
		},
		exists: aliceOnly.exists,
	}
	for _, c := range []struct {
		name  string
		users loginUsers
		typed string
		want  string
	}{
		{"known user", aliceOnly, "alice", "user=alice"},
		{"password in the name field", aliceOnly, "hunter2-secret", `user="unknown user"`},
		{"store error, unknown name", broken, "hunter2-secret", `user="unknown user"`},
		{"store error, known name", broken, "alice", "user=alice"},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newLoginEnv(t, c.users)
			if rec := env.post("/login", "192.0.2.1:1000", c.typed, "wrong"); rec.Code != http.StatusUnauthorized {
				t.Fatalf("status %d, want 401", rec.Code)
			}
			out := env.logs.String()
			if !strings.Contains(out, `msg="login failed"`) || !strings.Contains(out, c.want) {
				t.Fatalf("log lacks login failed with %s:\n%s", c.want, out)
			}
			if strings.Contains(out, "hunter2") {
				t.Fatalf("the log holds what was typed as the name:\n%s", out)
			}
		})
	}
}

// TestAccountLimit: 20 failures from 20 addresses lock the name for a
// minute, even for the right password, with the answer the address limit
// gives; unknown names lock alike, so a lock tells nothing.
func TestAccountLimit(t *testing.T) {
	addressLimit := httptest.NewRecorder()
	tooManyLogins(addressLimit, 0)
	for _, name := range []string{"alice", "mallory"} {
		t.Run(name, func(t *testing.T) {
			env := newLoginEnv(t, aliceOnly)
			for i := range 20 {
				env.now = env.now.Add(time.Second)
				remote := "198.51.100." + strconv.Itoa(i+1) + ":4000"
				if rec := env.post("/login", remote, name, "guess"+strconv.Itoa(i)); rec.Code != http.StatusUnauthorized {
					t.Fatalf("failure %d: %d, want 401", i+1, rec.Code)
				}
			}
			if n := strings.Count(env.logs.String(), "too many failed logins"); n != 1 {
				t.Fatalf("the lock was logged %d times, want once:\n%s", n, env.logs)
			}
			rec := env.post("/login", "203.0.113.9:4000", name, "right")
			if rec.Code != http.StatusTooManyRequests || rec.Header().Get("Retry-After") != "61" {
				t.Fatalf("locked: %d, Retry-After %q; want 429, 61", rec.Code, rec.Header().Get("Retry-After"))
			}
			if rec.Body.String() != addressLimit.Body.String() {
				t.Fatalf("locked answer %q differs from the address limit's %q", rec.Body, addressLimit.Body)
			}
			env.now = env.now.Add(59 * time.Second)
			if rec := env.post("/login", "203.0.113.9:4000", name, "right"); rec.Code != http.StatusTooManyRequests {
				t.Fatalf("59 s later: %d, want 429", rec.Code)
			}
			env.now = env.now.Add(time.Second)
			want := http.StatusUnauthorized
			if name == "alice" {
				want = http.StatusSeeOther
			}
			if rec := env.post("/login", "203.0.113.9:4000", name, "right"); rec.Code != want {
				t.Fatalf("a minute later, the right password: %d, want %d", rec.Code, want)
			}
		})
	}
}

// TestSessionCookieSecure: over TLS, and through a trusted proxy that
// says https, the session cookie is Secure; over plain HTTP it is not.
func TestSessionCookieSecure(t *testing.T) {
	env := newLoginEnv(t, aliceOnly)
	cookie := func(rec *httptest.ResponseRecorder) *http.Cookie {
		t.Helper()
		for _, c := range rec.Result().Cookies() {
			if c.Name == CookieName && c.Value != "" {
				return c
			}
		}
		t.Fatalf("no session cookie: %d", rec.Code)
		return nil
	}
	if c := cookie(env.post("https://llcast.example/login", "192.0.2.1:1000", "alice", "right")); !c.Secure {
		t.Error("over TLS the cookie is not Secure")
	}
	if c := cookie(env.post("/login", "192.0.2.1:1000", "alice", "right")); c.Secure {
		t.Error("over plain HTTP the cookie is Secure: browsers would drop it")
	}
	// Behind a TLS-terminating proxy llcast trusts.
	proxied := RealIP(testProxies)(http.HandlerFunc(env.h.login))
	for _, c := range []struct {
		peer   string
		secure bool
	}{{"10.0.0.2:4000", true}, {"198.51.100.9:4000", false}} {
		form := url.Values{"username": {"alice"}, "password": {"right"}}
		req := httptest.NewRequestWithContext(context.Background(), http.MethodPost, "/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		req.Header.Set("X-Forwarded-For", "203.0.113.7")
		req.RemoteAddr = c.peer
		rec := httptest.NewRecorder()
		proxied.ServeHTTP(rec, req)
		if got := cookie(rec).Secure; got != c.secure {
			t.Errorf("X-Forwarded-Proto: https from %s: Secure %v, want %v", c.peer, got, c.secure)
		}
	}
}
