package httpapi

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"syscall"
	"testing"
)

// fakeStreams serves a fixed body for the stream named "main".
type fakeStreams struct{ handler http.Handler }

func (f fakeStreams) Handler(name string) (http.Handler, bool) {
	if name == "main" {
		return f.handler, true
	}
	return nil, false
}

type testEnv struct {
	srv  *Server
	url  string
	logs *lockedWriter
}

func newTestServer(t *testing.T) *testEnv {
	t.Helper()
	return newTestServerWith(t, nil)
}

// newTestServerWith lets configure set more fields before Start. Unless it
// sets Users, the store holds the viewer alice ("correct horse"); tests
// that never log in through the form save the bcrypt time with emptyUsers.
func newTestServerWith(t *testing.T, configure func(*Server)) *testEnv {
	t.Helper()
	logs := &lockedWriter{w: &strings.Builder{}}
	s := &Server{
		Listen: "127.0.0.1:0", Auth: newTestAuth(t),
		Streams: fakeStreams{http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			_, _ = io.WriteString(w, "#EXTM3U\n")
		})},
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	}
	if configure != nil {
		configure(s)
	}
	if s.Users == nil {
		s.Users = emptyUsers(t)
		if err := s.Users.Put("alice", RoleViewer, "correct horse"); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Error(err)
		}
	})
	return &testEnv{srv: s, url: "http://" + s.Addr().String(), logs: logs}
}

func noRedirect(jar http.CookieJar) *http.Client {
	return &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func TestLoginFlow(t *testing.T) {
	env := newTestServer(t)
	jar, _ := cookiejar.New(nil)
	c := noRedirect(jar)

	resp, err := c.Get(env.url + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Fatalf("GET / logged out: %d → %q, want 303 → /login", resp.StatusCode, resp.Header.Get("Location"))
	}

	resp, err = c.PostForm(env.url+"/login", url.Values{"username": {"alice"}, "password": {"wrong password"}})
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(string(body), "Wrong username or password") {
		t.Fatalf("wrong password: %d %q", resp.StatusCode, body)
	}
	if len(resp.Cookies()) != 0 {
		t.Fatalf("wrong password set cookies: %v", resp.Cookies())
	}

	resp, err = c.PostForm(env.url+"/login", url.Values{"username": {"alice"}, "password": {"correct horse"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		t.Fatalf("login: %d → %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	var cookie *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == CookieName {
			cookie = ck
		}
	}
	if cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteLaxMode || cookie.Path != "/" || cookie.Secure {
		t.Fatalf("cookie = %+v, want HttpOnly, SameSite=Lax, Path=/, not Secure over plain HTTP", cookie)
	}

	for path, want := range map[string]int{"/": 200, "/live/main/index.m3u8": 200, "/live/other/index.m3u8": 404} {
		resp, err := c.Get(env.url + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s logged in: %d, want %d", path, resp.StatusCode, want)
		}
	}

	resp, err = c.Post(env.url+"/logout", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("logout: %d", resp.StatusCode)
	}
	resp, err = c.Get(env.url + "/live/main/index.m3u8")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("after logout: %d, want 401", resp.StatusCode)
	}

	if strings.Contains(env.logs.String(), cookie.Value) || strings.Contains(env.logs.String(), "correct horse") {
		t.Fatal("the log contains a token or a password")
	}
}

func TestLiveNeedsTokenNeverRedirects(t *testing.T) {
	env := newTestServer(t)
	c := noRedirect(nil)
	for _, token := range []string{"", "garbage", "eyJhbGciOiJub25lIn0.eyJzdWIiOiJhbGljZSJ9."} {
		req, _ := http.NewRequest(http.MethodGet, env.url+"/live/main/index.m3u8", nil)
		if token != "" {
			req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized || strings.TrimSpace(string(body)) != "unauthorized" {
			t.Errorf("token %q: %d %q, want 401 \"unauthorized\"", token, resp.StatusCode, body)
		}
	}
}

func TestHealthzAndCrossOriginLogin(t *testing.T) {
	env := newTestServer(t)
	resp, err := http.Get(env.url + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("healthz: %d", resp.StatusCode)
	}
	req, _ := http.NewRequest(http.MethodPost, env.url+"/login", strings.NewReader("username=alice&password=correct+horse"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err = noRedirect(nil).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("cross-site login POST: %d, want 403", resp.StatusCode)
	}
}

func TestListenInUse(t *testing.T) {
	env := newTestServer(t)
	s := &Server{Listen: env.srv.Addr().String(), Users: env.srv.Users, Auth: env.srv.Auth, Streams: fakeStreams{}}
	if err := s.Start(); err == nil || !strings.Contains(err.Error(), "listening on") {
		t.Fatalf("second server on the same port: %v", err)
	}
}

func TestPortFallback(t *testing.T) {
	occupied, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer occupied.Close()
	port := occupied.Addr().(*net.TCPAddr).Port
	env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
	for _, c := range []struct {
		name     string
		fallback int
		wantErr  bool
	}{
		{"explicit port", 0, true},
		{"fallback", 10, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := &Server{
				Listen: occupied.Addr().String(), PortFallback: c.fallback,
				Users: env.srv.Users, Auth: env.srv.Auth, Streams: fakeStreams{},
				Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
			}
			err := s.Start()
			if c.wantErr {
				if !errors.Is(err, syscall.EADDRINUSE) || !strings.Contains(err.Error(), "listening on "+occupied.Addr().String()) {
					t.Fatalf("Start on a taken port: %v, want the address-in-use error", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			got := s.Addr().(*net.TCPAddr).Port
			if got <= port || got > port+c.fallback {
				t.Fatalf("bound port %d, want one in (%d, %d]", got, port, port+c.fallback)
			}
		})
	}
}

func TestViewerCount(t *testing.T) {
	for _, c := range []struct {
		name     string
		sessions []string // one cookie per name; "" sends none
		want     int
	}{
		{"one session twice", []string{"alice", "alice"}, 1},
		{"two sessions", []string{"alice", "bob"}, 2},
		{"no cookie", []string{""}, 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
			cookies := map[string]*http.Cookie{} // one session per name
			for _, name := range c.sessions {
				var cookie *http.Cookie
				if name != "" {
					if cookies[name] == nil {
						cookies[name] = sessionFor(t, env, name, RoleViewer)
					}
					cookie = cookies[name]
				}
				env.do(t, http.MethodGet, "/live/main/index.m3u8", cookie, nil, nil)
			}
			if got := env.srv.Viewers(); got != c.want {
				t.Fatalf("Viewers() = %d, want %d", got, c.want)
			}
		})
	}
}
