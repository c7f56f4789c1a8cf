package httpapi

import (
	"bytes"
	"fmt"
	"html/template"
	"log/slog"
	"net/http"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/httpapi/auth"
)

// embedPage serves /embed/{stream}: the player alone, for iframes on other
// sites (README "Embedding the player"). It plays through a stream link
// whose token the page reads from its URL's fragment (or query) in the
// browser, so the server cannot tell who asks: every valid name gets the
// same page, whether the stream exists or not, and the media requests are
// where the link is checked. It is the one page other sites may frame,
// and only the origins in its policy.
type embedPage struct {
	templates *template.Template // must hold "embed.html"
	policy    string             // its Content-Security-Policy
	log       *slog.Logger
}

// embedData is what embed.html gets. The page shows no title: it is
// served to anyone, before any link is checked.
type embedData struct {
	Stream string
	Title  string
}

// newEmbedPage makes the page framable by origins (README "Embedding the
// player"). An origin that would break the policy's syntax is an error:
// the configuration checks what a valid origin is.
func newEmbedPage(templates *template.Template, origins []string, log *slog.Logger) (*embedPage, error) {
	for _, o := range origins {
		if o == "" || strings.ContainsAny(o, " \t\r\n;,'\"") {
			return nil, fmt.Errorf("http server: invalid EmbedOrigins entry %q: want an origin like https://blog.example, or *", o)
		}
	}
	return &embedPage{templates: templates, policy: embedPolicy(origins), log: log}, nil
}

func (p *embedPage) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Security-Policy", p.policy)
	// An older snippet may carry the token in the query: it must not
	// travel on in a Referer.
	h.Set("Referrer-Policy", "no-referrer")
	name := chi.URLParam(r, "stream")
	if err := auth.CheckStreamName(name); err != nil {
		http.Error(w, "no such stream", http.StatusNotFound)
		return
	}
	var buf bytes.Buffer
	if err := p.templates.ExecuteTemplate(&buf, "embed.html", embedData{Stream: name}); err != nil {
		p.log.Error("rendering embed.html", "error", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h.Set("Content-Type", "text/html; charset=utf-8")
	_, _ = buf.WriteTo(w)
}
