package httpapi

import (
	"net/http"
	"slices"
	"strings"
)

// cspBase allows only our own scripts; hls.js needs blob: for MediaSource
// and its worker. Who may frame a page is added per page.
const cspBase = "default-src 'self'; media-src 'self' blob:; img-src 'self' data:; " +
	"worker-src 'self' blob:; base-uri 'none'; form-action 'self'"

// contentSecurityPolicy is every page's policy but the embed player's: no
// site may frame it (clickjacking of the login form, the studio's buttons).
const contentSecurityPolicy = cspBase + "; frame-ancestors 'none'"

// SecurityHeaders sets the headers every page and file gets. A handler
// that may be framed (/embed/) replaces the policy with embedPolicy's.
func SecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", contentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "same-origin")
		next.ServeHTTP(w, r)
	})
}

// embedPolicy is the Content-Security-Policy of the embed player
// (README "Embedding the player"): llcast's own pages and the origins may
// frame it; "*" among them lets any site. The origins were checked where
// the configuration is read (scheme and host only), so none can add a
// directive of its own.
func embedPolicy(origins []string) string {
	if slices.Contains(origins, "*") {
		return cspBase + "; frame-ancestors *"
	}
	return cspBase + "; frame-ancestors " + strings.Join(append([]string{"'self'"}, origins...), " ")
}
