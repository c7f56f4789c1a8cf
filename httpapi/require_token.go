package httpapi

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"

	"github.com/go-chi/chi/v5"
)

// CookieName is the session cookie; jwtauth's TokenFromCookie reads it too.
const CookieName = "jwt"

type claimsKey struct{}

// ClaimsFrom returns the claims RequireMediaToken or RequireAPIToken put in
// the context.
func ClaimsFrom(ctx context.Context) (Claims, bool) {
	c, ok := ctx.Value(claimsKey{}).(Claims)
	return c, ok
}

// claimsFromRequest verifies the request's session cookie. A stream link's
// token is not a session, even in a cookie.
func claimsFromRequest(auth *TokenAuth, r *http.Request) (Claims, error) {
	var token string
	if c, err := r.Cookie(CookieName); err == nil {
		token = c.Value
	}
	c, err := auth.Verify(token)
	if err == nil && c.IsLink() {
		return Claims{}, fmt.Errorf("%w: a stream link is not a session", ErrBadToken)
	}
	return c, err
}

// ErrNoGrant is the reason behind a refusal of a valid session for a
// stream its user may not watch.
var ErrNoGrant = errors.New("no grant")

// LinkParam is the query parameter that carries a stream link's token.
// The muxers copy it, and nothing else of the query, onto every URI of
// their playlists (segmenter/llhls/rendered.go), so the whole tree below
// the multivariant playlist carries it.
const LinkParam = "token"

// mediaClaims authorizes a request for stream's media: a stream link's
// token in query, scoped to stream and not revoked, or else the session
// cookie of a user granted stream (ErrNoGrant otherwise).
func mediaClaims(auth *TokenAuth, links *LinkStore, r *http.Request, stream string, query url.Values) (Claims, error) {
	token := query.Get(LinkParam)
	if token == "" {
		c, err := claimsFromRequest(auth, r)
		if err == nil && !c.Allows(stream) {
			return Claims{}, fmt.Errorf("%w: user %q may not watch stream %q", ErrNoGrant, c.Subject, stream)
		}
		return c, err
	}
	c, err := auth.Verify(token)
	switch {
	case err != nil:
		return Claims{}, err
	case !c.IsLink():
		return Claims{}, fmt.Errorf("%w: a session token in a link", ErrBadToken)
	case c.Stream != stream:
		return Claims{}, fmt.Errorf("%w: link for stream %q used on %q", ErrBadToken, c.Stream, stream)
	case links == nil || !links.Active(c.LinkID):
		return Claims{}, fmt.Errorf("%w: link %s revoked or unknown", ErrBadToken, c.LinkID)
	}
	return c, nil
}

// RequireMediaToken lets a request for /live/{stream}/… through only with a
// valid session cookie or a stream link's token in the query, and answers
// 401 with a generic body otherwise (never a redirect: media players cannot
// follow one to a login form), or 403 to a session whose user may not
// watch the stream. The reason goes to the log.
func RequireMediaToken(auth *TokenAuth, links *LinkStore, log *slog.Logger) func(http.Handler) http.Handler {
	check := func(r *http.Request) (Claims, error) {
		return mediaClaims(auth, links, r, chi.URLParam(r, "stream"), r.URL.Query())
	}
	return requireClaims(check, log, denyMedia)
}

func denyMedia(w http.ResponseWriter, err error) {
	w.Header().Set("Cache-Control", "no-store")
	if errors.Is(err, ErrNoGrant) {
		http.Error(w, "forbidden", http.StatusForbidden)
		return
	}
	http.Error(w, "unauthorized", http.StatusUnauthorized)
}

// RequireAPIToken lets a request to the JSON API through only with a valid
// session cookie and answers 401 {"error":"unauthorized"} otherwise. The
// reason goes to the log.
func RequireAPIToken(auth *TokenAuth, log *slog.Logger) func(http.Handler) http.Handler {
	return requireToken(auth, log, func(w http.ResponseWriter, _ error) {
		writeJSONError(w, http.StatusUnauthorized, "unauthorized")
	})
}

func requireToken(auth *TokenAuth, log *slog.Logger, deny func(http.ResponseWriter, error)) func(http.Handler) http.Handler {
	return requireClaims(func(r *http.Request) (Claims, error) { return claimsFromRequest(auth, r) }, log, deny)
}

// requireClaims lets requests that check accepts through with their claims
// in the context. The log gets the path, never the query: a link's token
// is in it.
func requireClaims(check func(*http.Request) (Claims, error), log *slog.Logger,
	deny func(http.ResponseWriter, error),
) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			claims, err := check(r)
			if err != nil {
				log.Info(refusal(err), "path", r.URL.Path, "remote", r.RemoteAddr, "reason", err)
				deny(w, err)
				return
			}
			next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), claimsKey{}, claims)))
		})
	}
}

// refusal is the log message for a request refused for err.
func refusal(err error) string {
	if errors.Is(err, ErrNoGrant) {
		return "forbidden"
	}
	return "unauthorized"
}
