package httpapi

import (
	"context"
	"log/slog"
	"net/http"
)

// CookieName is the session cookie; jwtauth's TokenFromCookie reads it too.
const CookieName = "jwt"

type claimsKey struct{}

// ClaimsFrom returns the claims RequireToken put in the context.
func ClaimsFrom(ctx context.Context) (Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(Claims)
	return c, ok
}

// claimsFromRequest verifies the request's session cookie.
func claimsFromRequest(auth *TokenAuth, r *http.Request) (Claims, error) {
	var token string
	if c, err := r.Cookie(CookieName); err == nil {
		token = c.Value
	}
	return auth.Verify(token)
}

// RequireToken lets a request through only with a valid session cookie and
// answers 401 with a generic body otherwise (never a redirect: media players
// cannot follow one to a login form). The reason goes to the log.
func RequireToken(auth *TokenAuth, log *slog.Logger) func(http.Handler) http.Handler {
	return requireToken(auth, log, func(w http.ResponseWriter) {
		w.Header().Set("Cache-Control", "no-store")
		http.Error(w, "unauthorized", http.StatusUnauthorized)
	})
}

// RequireAPIToken is RequireToken for the JSON API: its 401 says
// {"error":"unauthorized"}.
func RequireAPIToken(auth *TokenAuth, log *slog.Logger) func(http.Handler) http.Handler {
	return requireToken(auth, log, func(w http.ResponseWriter) {
		writeJSONError(w, http.StatusUnauthorized, "unauthorized")
	})
}

func requireToken(auth *TokenAuth, log *slog.Logger, deny func(http.ResponseWriter)) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, err := claimsFromRequest(auth, r)
			if err != nil {
				log.Info("unauthorized", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err)
				deny(w)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
		})
	}
}
