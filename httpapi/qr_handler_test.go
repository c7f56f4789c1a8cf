package httpapi

import (
	"bytes"
	"image/png"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestQRCode(t *testing.T) {
	// No Studio: any logged-in user may draw a code.
	env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
	viewer := sessionFor(t, env, "alice", RoleViewer)
	for _, c := range []struct {
		name, text string
		cookie     *http.Cookie
		want       int
	}{
		{"watch URL", "http://192.0.2.7:8080/", viewer, http.StatusOK},
		{"longest", strings.Repeat("x", maxQRText), viewer, http.StatusOK},
		{"too long", strings.Repeat("x", maxQRText+1), viewer, http.StatusBadRequest},
		{"empty", "", viewer, http.StatusBadRequest},
		{"logged out", "http://192.0.2.7:8080/", nil, http.StatusUnauthorized},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, http.MethodGet, "/api/qr.png?text="+url.QueryEscape(c.text), c.cookie, nil, nil)
			if r.status != c.want {
				t.Fatalf("%d %s, want %d", r.status, r.body, c.want)
			}
			if c.want != http.StatusOK {
				if r.header.Get("Content-Type") != "application/json" || !bytes.Contains(r.body, []byte(`"error":`)) {
					t.Fatalf("error answer %q %s, want JSON", r.header.Get("Content-Type"), r.body)
				}
				return
			}
			if r.header.Get("Content-Type") != "image/png" {
				t.Fatalf("Content-Type %q", r.header.Get("Content-Type"))
			}
			img, err := png.Decode(bytes.NewReader(r.body))
			if err != nil {
				t.Fatalf("not a PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() < 21 || b.Dx() != b.Dy() {
				t.Fatalf("image is %v, want a square of at least 21 modules", b)
			}
		})
	}
}
