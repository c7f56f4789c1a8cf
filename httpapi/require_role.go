package httpapi

import (
	"log/slog"
	"net/http"
)

// RequireRole lets a request through only when the claims RequireAPIToken
// put in its context carry role, and answers 403 {"error":"forbidden"}
// otherwise. Put it after RequireAPIToken.
func RequireRole(role string, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, ok := ClaimsFrom(r.Context())
			if !ok || claims.Role != role {
				log.Info("forbidden", "path", r.URL.Path, "user", claims.Subject, "role", claims.Role, "want", role)
				writeJSONError(w, http.StatusForbidden, "forbidden")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
