package httpapi

import (
	"net/http"

	"github.com/go-chi/chi/v5"
)

// HeadAsGet routes HEAD requests to the GET handlers, which answer with
// their status and headers; net/http drops the body (RFC 9110 9.3.2). The
// handlers still see HEAD. It must run in the top router, before routing.
//
// chi's middleware.GetHead does the same only where it finds no HEAD
// route, and it finds one on every mount point's own path ("/api/studio"
// under r.Route("/api/studio")), which the mounted router then refuses
// with 405. llcast has no HEAD routes of its own, so every HEAD is routed
// as GET.
func HeadAsGet(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodHead {
			if rctx := chi.RouteContext(r.Context()); rctx != nil {
				rctx.RouteMethod = http.MethodGet
			}
		}
		next.ServeHTTP(w, r)
	})
}
