package httpapi

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestLoginNext(t *testing.T) {
	env := newTestServer(t)
	// Each login costs a bcrypt comparison; TestLocalRedirect has the
	// other foreign paths.
	for _, c := range []struct {
		name, query, next, want string
	}{
		{"studio", "", "/studio", "/studio"},
		{"studio in the query", "?next=/studio", "", "/studio"},
		{"protocol-relative", "", "//evil.example/", "/"},
	} {
		t.Run(c.name, func(t *testing.T) {
			form := url.Values{"username": {"alice"}, "password": {"correct horse"}}
			if c.next != "" {
				form.Set("next", c.next)
			}
			r := env.do(t, http.MethodPost, "/login"+c.query, nil, strings.NewReader(form.Encode()),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			if r.status != http.StatusSeeOther || r.header.Get("Location") != c.want {
				t.Fatalf("login: %d → %q, want 303 → %q", r.status, r.header.Get("Location"), c.want)
			}
		})
	}
}

func TestLoginFormCarriesNext(t *testing.T) {
	env := newTestServer(t)
	hidden := `<input type="hidden" name="next" value="/studio">`
	for _, c := range []struct {
		name, method, path, body string
		cookie                   bool
		wantStatus               int
		wantHidden               bool
		wantLocation             string
	}{
		{"form", http.MethodGet, "/login?next=/studio", "", false, http.StatusOK, true, ""},
		{"form without next", http.MethodGet, "/login", "", false, http.StatusOK, false, ""},
		{"form with a foreign next", http.MethodGet, "/login?next=//evil.example/", "", false, http.StatusOK, false, ""},
		{"wrong password", http.MethodPost, "/login", "username=alice&password=nope&next=%2Fstudio", false, http.StatusUnauthorized, true, ""},
		{"already logged in", http.MethodGet, "/login?next=/studio", "", true, http.StatusSeeOther, false, "/studio"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var cookie *http.Cookie
			if c.cookie {
				cookie = sessionFor(t, env, "alice", RoleViewer)
			}
			r := env.do(t, c.method, c.path, cookie, strings.NewReader(c.body),
				map[string]string{"Content-Type": "application/x-www-form-urlencoded"})
			if r.status != c.wantStatus || r.header.Get("Location") != c.wantLocation {
				t.Fatalf("%d → %q, want %d → %q", r.status, r.header.Get("Location"), c.wantStatus, c.wantLocation)
			}
			if got := strings.Contains(string(r.body), hidden); got != c.wantHidden {
				t.Fatalf("hidden next field present: %v, want %v:\n%s", got, c.wantHidden, r.body)
			}
			if strings.Contains(string(r.body), "evil.example") {
				t.Fatalf("a foreign next reached the page:\n%s", r.body)
			}
		})
	}
}
