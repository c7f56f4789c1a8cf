package httpapi

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"
)

func TestHeadAsGet(t *testing.T) {
	ok := func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Method", r.Method)
		_, _ = io.WriteString(w, "body")
	}
	r := chi.NewRouter()
	r.Use(HeadAsGet)
	r.Get("/a", ok)
	r.Post("/p", ok)
	// A mount point's own path is where chi's GetHead answers 405.
	r.Route("/sub", func(r chi.Router) {
		r.Get("/", ok)
		r.Get("/x", ok)
	})
	for path, want := range map[string]int{"/a": 200, "/sub": 200, "/sub/": 200, "/sub/x": 200, "/p": 405, "/nope": 404} {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodHead, path, nil))
		if rec.Code != want {
			t.Errorf("HEAD %s: %d, want %d", path, rec.Code, want)
		}
		if want == 200 && rec.Header().Get("X-Method") != http.MethodHead {
			t.Errorf("HEAD %s reached its handler as %q", path, rec.Header().Get("X-Method"))
		}
	}
}

// TestHeadAnswersLikeGet: HEAD gets what GET gets, status and headers,
// without a body on the wire, on pages, assets, media, the API and
// /healthz; and is refused where GET is.
func TestHeadAnswersLikeGet(t *testing.T) {
	env := newStudioServer(t, &fakeStudio{}, nil)
	viewer := sessionFor(t, env, "vic", RoleViewer)
	admin := sessionFor(t, env, "ada", RoleAdmin)
	for _, c := range []struct {
		path   string
		cookie *http.Cookie
		status int
	}{
		{"/healthz", nil, http.StatusOK},
		{"/", nil, http.StatusSeeOther},
		{"/", viewer, http.StatusOK},
		{"/login", nil, http.StatusOK},
		{"/watch/main", viewer, http.StatusOK},
		{"/studio", admin, http.StatusOK},
		{"/assets/logo.svg", nil, http.StatusOK},
		{"/assets/studio.js", nil, http.StatusOK},
		{"/live/main/index.m3u8", viewer, http.StatusOK},
		{"/live/main/index.m3u8", nil, http.StatusUnauthorized},
		{"/live/other/index.m3u8", viewer, http.StatusNotFound},
		{"/api/streams", viewer, http.StatusOK},
		{"/api/studio", admin, http.StatusOK},
		{"/api/studio", viewer, http.StatusForbidden},
		{"/metrics", admin, http.StatusOK},
		{"/nope", nil, http.StatusNotFound},
	} {
		get := env.do(t, http.MethodGet, c.path, c.cookie, nil, nil)
		head, body := rawHead(t, env.srv.Addr().String(), c.path, c.cookie)
		if get.status != c.status || head.StatusCode != c.status {
			t.Errorf("%s: GET %d, HEAD %d, want %d", c.path, get.status, head.StatusCode, c.status)
			continue
		}
		if len(body) != 0 {
			t.Errorf("HEAD %s sent a body: %q", c.path, body)
		}
		for _, h := range []string{"Content-Type", "Cache-Control", "Location", "Content-Length"} {
			if h == "Content-Length" && (get.header.Get(h) == "" || c.status != http.StatusOK) {
				// A chunked body, or the few words of an error or a
				// redirect, which net/http writes for GET only.
				continue
			}
			if g, hd := get.header.Get(h), head.Header.Get(h); g != hd {
				t.Errorf("%s: %s is %q for GET, %q for HEAD", c.path, h, g, hd)
			}
		}
	}
	// The stream's own handler answered HEAD: only its body is gone.
	head, _ := rawHead(t, env.srv.Addr().String(), "/live/main/index.m3u8", viewer)
	if head.ContentLength != int64(len("#EXTM3U\n")) {
		t.Errorf("HEAD of a playlist: Content-Length %d, want the playlist's %d", head.ContentLength, len("#EXTM3U\n"))
	}
	// POST-only routes stay POST-only.
	if r := env.do(t, http.MethodHead, "/logout", nil, nil, nil); r.status != http.StatusMethodNotAllowed {
		t.Errorf("HEAD /logout: %d, want 405", r.status)
	}
}

// rawHead sends HEAD path over a connection of its own and returns the
// answer's head and every byte that came after it, which must be none.
func rawHead(t *testing.T, addr, path string, cookie *http.Cookie) (*http.Response, []byte) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	req, err := http.NewRequest(http.MethodHead, "http://"+addr+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Close = true // the server closes after the answer: read to EOF
	if cookie != nil {
		req.AddCookie(cookie)
	}
	if err := req.Write(conn); err != nil {
		t.Fatal(err)
	}
	all, err := io.ReadAll(conn)
	if err != nil {
		t.Fatal(err)
	}
	end := bytes.Index(all, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("HEAD %s: no end of headers in %q", path, all)
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(all[:end+4])), req)
	if err != nil {
		t.Fatalf("HEAD %s: %v in %q", path, err, strings.TrimSpace(string(all)))
	}
	resp.Body.Close()
	return resp, all[end+4:]
}
