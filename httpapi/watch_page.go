package httpapi

import (
	"bytes"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// watchPage serves /watch/{stream}: the player for one stream. Without a
// session it sends the browser to the login form and back; a user without
// the stream's grant gets a 403 page, a stream that does not exist a 404
// page.
type watchPage struct {
	auth      *TokenAuth
	catalog   *streamCatalog
	templates *template.Template // must hold "watch.html" and "notice.html"
	log       *slog.Logger
}

// watchData is what watch.html gets.
type watchData struct {
	Stream   string
	Username string
	// Title is the stream's title (auth.Stream.Title), shown as text.
	Title string
	// VOD: the stream is a file served on demand, to seek in.
	VOD bool
}

// noticeData is what notice.html gets: a page that only says something.
type noticeData struct {
	Title, Message, Username string
}

func (p *watchPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	name := chi.URLParam(r, "stream")
	valid := auth.CheckStreamName(name) == nil
	claims, err := claimsFromRequest(p.auth, r)
	if err != nil {
		target := "/login"
		if valid {
			target += "?next=" + url.QueryEscape(auth.WatchPath(name))
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	notFound := noticeData{Title: "No such stream", Message: "There is no stream called “" + name + "”.", Username: claims.Subject}
	if !valid {
		p.render(w, http.StatusNotFound, "notice.html", notFound)
		return
	}
	// The grant first: a user learns nothing of streams not granted, not
	// even whether they exist.
	if !claims.Allows(name) {
		p.log.Info("forbidden", "path", r.URL.Path, "user", claims.Subject, "stream", name, "reason", "no grant")
		p.render(w, http.StatusForbidden, "notice.html", noticeData{
			Title: "Forbidden", Message: "You may not watch the stream “" + name + "”. Ask an admin for access.",
			Username: claims.Subject,
		})
		return
	}
	st, err := p.catalog.get(name)
	if errors.Is(err, ingest.ErrUnknownStream) {
		p.render(w, http.StatusNotFound, "notice.html", notFound)
		return
	}
	if err != nil {
		p.log.Error("looking up a stream", "stream", name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	p.render(w, http.StatusOK, "watch.html", watchData{Stream: st.Name, Username: claims.Subject, Title: st.Title, VOD: st.VOD})
}

// render executes a template aside first, so that a failure is a clean 500.
func (p *watchPage) render(w http.ResponseWriter, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.templates.ExecuteTemplate(&buf, name, data); err != nil {
		p.log.Error("rendering "+name, "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = buf.WriteTo(w)
}
