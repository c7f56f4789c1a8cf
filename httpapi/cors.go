package httpapi

import (
	"net/http"
	"slices"
)

// CORS lets players on other origins read the stream. An origin in
// allowed gets credentialed access (the viewer's session cookie goes
// along: list only origins you trust); "*" lets any origin read without
// credentials, which is enough for a stream link's ?token= URL. Other
// origins get no CORS headers, so browsers keep them out. Preflight
// requests are answered here, before authentication: they carry no
// credentials.
func CORS(allowed []string) func(http.Handler) http.Handler {
	anyOrigin := slices.Contains(allowed, "*")
	return func(next http.Handler) http.Handler {
		if len(allowed) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			origin := r.Header.Get("Origin")
			h := w.Header()
			h.Add("Vary", "Origin")
			switch {
			case origin == "":
			case slices.Contains(allowed, origin):
				h.Set("Access-Control-Allow-Origin", origin)
				h.Set("Access-Control-Allow-Credentials", "true")
			case anyOrigin:
				h.Set("Access-Control-Allow-Origin", "*")
			}
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				if h.Get("Access-Control-Allow-Origin") != "" {
					h.Set("Access-Control-Allow-Methods", "GET, HEAD")
					h.Set("Access-Control-Max-Age", "600")
				}
				w.WriteHeader(http.StatusNoContent)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
