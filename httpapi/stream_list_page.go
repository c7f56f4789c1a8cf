package httpapi

import (
	"bytes"
	"html/template"
	"log/slog"
	"net/http"
)

// streamListPage serves / (the streams the user may watch, or the login
// form) and GET /api/streams, which the page polls for who is live and
// how many watch.
type streamListPage struct {
	auth      *TokenAuth
	catalog   *streamCatalog
	templates *template.Template // must hold "streams.html"
	log       *slog.Logger
}

// streamListData is what streams.html gets.
type streamListData struct {
	Username string
	Admin    bool
	Streams  []streamSummary
}

func (p *streamListPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	claims, err := claimsFromRequest(p.auth, r)
	if err != nil {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	streams, err := p.catalog.granted(claims)
	if err != nil {
		// What the store had before its file broke is still worth showing.
		p.log.Error("listing streams", "error", err)
	}
	data := streamListData{Username: claims.Subject, Admin: claims.Role == RoleAdmin, Streams: streams}
	var buf bytes.Buffer
	if err := p.templates.ExecuteTemplate(&buf, "streams.html", data); err != nil {
		p.log.Error("rendering the stream list", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}

// api answers GET /api/streams (behind RequireAPIToken): the streams the
// session may watch, as a JSON list.
func (p *streamListPage) api(w http.ResponseWriter, r *http.Request) {
	claims, _ := ClaimsFrom(r.Context())
	streams, err := p.catalog.granted(claims)
	if err != nil {
		p.log.Error("listing streams", "error", err)
	}
	writeJSON(w, http.StatusOK, streams)
}
