package httpapi

import (
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestStudioPageAccess(t *testing.T) {
	env := newStudioServer(t, &fakeStudio{}, nil)
	for _, c := range []struct {
		name         string
		cookie       *http.Cookie
		want         int
		wantLocation string
		wantBody     string
	}{
		{"logged out", nil, http.StatusSeeOther, "/login?next=/studio", ""},
		{"bad cookie", &http.Cookie{Name: CookieName, Value: "x"}, http.StatusSeeOther, "/login?next=/studio", ""},
		{"viewer", sessionFor(t, env, "alice", RoleViewer), http.StatusForbidden, "", "The studio is for admins."},
		// The real template, from player.
		{"admin", sessionFor(t, env, "root", RoleAdmin), http.StatusOK, "", "root"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, http.MethodGet, "/studio", c.cookie, nil, nil)
			if r.status != c.want || r.header.Get("Location") != c.wantLocation {
				t.Fatalf("%d → %q, want %d → %q", r.status, r.header.Get("Location"), c.want, c.wantLocation)
			}
			if !strings.Contains(string(r.body), c.wantBody) {
				t.Fatalf("body lacks %q:\n%s", c.wantBody, r.body)
			}
			if r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestStudioPageRenders(t *testing.T) {
	auth := newTestAuth(t)
	token, _, err := auth.Issue(User{Name: "<root>", Role: RoleAdmin}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name, template string
		want           int
		wantBody       string
	}{
		{"renders", `{{define "studio.html"}}{{.Stream}} by {{.Username}}{{end}}`, http.StatusOK, "cam by &lt;root&gt;"},
		{"fails cleanly", `{{define "studio.html"}}{{.Missing}}{{end}}`, http.StatusInternalServerError, "internal error"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p := &studioPage{
				auth: auth, templates: template.Must(template.New("").Parse(c.template)),
				stream: "cam", log: slog.New(slog.NewTextHandler(io.Discard, nil)),
			}
			req := httptest.NewRequest(http.MethodGet, "/studio", nil)
			req.AddCookie(&http.Cookie{Name: CookieName, Value: token})
			rec := httptest.NewRecorder()
			p.ServeHTTP(rec, req)
			if rec.Code != c.want || strings.TrimSpace(rec.Body.String()) != c.wantBody {
				t.Fatalf("%d %q, want %d %q", rec.Code, rec.Body, c.want, c.wantBody)
			}
		})
	}
}

func TestStudioNilAnswers404(t *testing.T) {
	env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, path := range []string{"/studio", "/api/studio", "/api/studio/logs"} {
		if r := env.do(t, http.MethodGet, path, admin, nil, nil); r.status != http.StatusNotFound {
			t.Errorf("GET %s without a Studio: %d, want 404", path, r.status)
		}
	}
}
