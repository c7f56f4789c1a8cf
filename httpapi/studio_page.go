package httpapi

import (
	"bytes"
	"html/template"
	"io"
	"log/slog"
	"net/http"
)

// studioForbidden is what a logged-in viewer sees at /studio.
const studioForbidden = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Forbidden · llcast</title>
  <link rel="stylesheet" href="/assets/style.css">
</head>
<body>
  <main class="card">
    <h1>Forbidden</h1>
    <p>The studio is for admins.</p>
    <p><a href="/">All streams</a></p>
  </main>
</body>
</html>
`

// studioPage serves /studio: admins get the page, viewers a 403, everyone
// else the login form, which sends them back here.
type studioPage struct {
	auth      *TokenAuth
	templates *template.Template // must hold "studio.html"
	stream    string
	log       *slog.Logger
}

func (p *studioPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	claims, err := claimsFromRequest(p.auth, r)
	if err != nil {
		http.Redirect(w, r, "/login?next=/studio", http.StatusSeeOther)
		return
	}
	if claims.Role != RoleAdmin {
		p.log.Info("forbidden", "path", r.URL.Path, "user", claims.Subject, "role", claims.Role, "want", RoleAdmin)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		w.WriteHeader(http.StatusForbidden)
		_, _ = io.WriteString(w, studioForbidden)
		return
	}
	// Rendered aside first, so that a failure is a clean 500.
	var buf bytes.Buffer
	data := struct{ Stream, Username string }{p.stream, claims.Subject}
	if err := p.templates.ExecuteTemplate(&buf, "studio.html", data); err != nil {
		p.log.Error("rendering studio page", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}
