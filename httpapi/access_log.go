package httpapi

import (
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/go-chi/chi/v5/middleware"
)

// AccessLog logs one line per request: method, path (never the query, which
// may carry a token), status, size and duration. Headers, and with them
// cookies, are never logged. Successful media requests, several per second
// per viewer, and the studio page's polling of /api/studio log at debug
// level so the streamer's terminal (and the studio's own log view) stays
// readable; so do media requests refused with 429, which a greedy client
// sends by the thousand and the muxer counts in a warning of its own.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			defer func() {
				level := slog.LevelInfo
				if isPolled(r) && (ww.Status() < 400 || ww.Status() == http.StatusTooManyRequests) {
					level = slog.LevelDebug
				}
				log.Log(r.Context(), level, "request",
					"method", r.Method,
					"path", r.URL.Path,
					"status", ww.Status(),
					"bytes", ww.BytesWritten(),
					"duration", time.Since(start).Round(time.Microsecond),
					"remote", r.RemoteAddr,
				)
			}()
			next.ServeHTTP(ww, r)
		})
	}
}

// isPolled tells the requests a client repeats every second or so.
func isPolled(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/live/") ||
		(r.Method == http.MethodGet && (r.URL.Path == "/api/studio" || strings.HasPrefix(r.URL.Path, "/api/studio/")))
}
