package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
)

// OriginalURIHeader is where a reverse proxy puts the URI it asks about
// (nginx: proxy_set_header X-Original-URI $request_uri).
const OriginalURIHeader = "X-Original-URI"

// authSubrequest answers a reverse proxy's auth_request: 204 when the
// request it forwards — the URI in X-Original-URI, with the client's
// cookies — may have the stream's media, 403 for a session whose user may
// not watch the stream, 401 otherwise. The proxy may
// cache the answer per token for a few seconds; a revoked link keeps
// working at most that long.
func authSubrequest(auth *TokenAuth, links *LinkStore, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		u, err := url.ParseRequestURI(r.Header.Get(OriginalURIHeader))
		stream, ok := "", false
		if err == nil {
			stream, ok = liveStream(u.Path)
		}
		if !ok {
			log.Info("unauthorized", "reason", "auth subrequest without a /live/{stream}/ URI", "remote", r.RemoteAddr)
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		if _, err := mediaClaims(auth, links, r, stream, u.Query()); err != nil {
			log.Info(refusal(err), "path", u.Path, "remote", r.RemoteAddr, "reason", err)
			status := http.StatusUnauthorized
			if errors.Is(err, ErrNoGrant) {
				status = http.StatusForbidden
			}
			w.WriteHeader(status)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// liveStream returns the stream of a /live/{stream}/… path.
func liveStream(path string) (string, bool) {
	rest, ok := strings.CutPrefix(path, "/live/")
	if !ok {
		return "", false
	}
	stream, file, ok := strings.Cut(rest, "/")
	return stream, ok && stream != "" && file != "" && !strings.Contains(file, "..")
}
