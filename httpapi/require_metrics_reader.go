package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
)

// errNoMetricsToken is the reason a bearer token is refused when the
// server has no metrics token.
var errNoMetricsToken = errors.New("no metrics token is set up")

// errWrongMetricsToken is the reason a bearer token that is not the
// metrics token is refused.
var errWrongMetricsToken = errors.New("not the metrics token")

// RequireMetricsReader lets a request for /metrics through with the
// metrics token as its bearer token (Authorization: Bearer TOKEN, what
// Prometheus sends), and a request without an Authorization header
// through session, the admin check of the API. A wrong token, or any
// other Authorization, gets 401 {"error":"unauthorized"} (never a
// redirect: a scraper cannot follow one to a login form); the log gets
// the reason, never the token. A nil token accepts no bearer token.
func RequireMetricsReader(token *MetricsToken, session func(http.Handler) http.Handler, log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		bySession := session(next)
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			header := r.Header.Get("Authorization")
			if header == "" {
				bySession.ServeHTTP(w, r)
				return
			}
			err := checkBearer(token, header)
			if err != nil {
				log.Info("unauthorized", "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err)
				w.Header().Set("WWW-Authenticate", `Bearer realm="llcast metrics"`)
				writeJSONError(w, http.StatusUnauthorized, "unauthorized")
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}

// checkBearer checks an Authorization header against token. Its errors
// name the reason, never the token.
func checkBearer(token *MetricsToken, header string) error {
	scheme, got, _ := strings.Cut(header, " ")
	if !strings.EqualFold(scheme, "Bearer") {
		return errors.New("an Authorization header that is not a bearer token")
	}
	if token == nil {
		return errNoMetricsToken
	}
	ok, err := token.Check(strings.TrimSpace(got))
	switch {
	case err != nil:
		return err
	case !ok:
		return errWrongMetricsToken
	}
	return nil
}
