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
// sends by the thousand and the muxer counts in a warning of its own, and
// media answered 404: while a stream is offline every waiting player asks
// for it every few seconds. Static assets (scripts, styles, the logo and
// the icons browsers ask for) log at debug whatever their answer, short of
// a server error.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			defer func() {
				log.Log(r.Context(), accessLevel(r, ww.Status()), "request",
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

// accessLevel is the level of the line about r, answered with status.
func accessLevel(r *http.Request, status int) slog.Level {
	switch {
	case status >= 500:
		return slog.LevelInfo
	case isAsset(r.URL.Path):
		return slog.LevelDebug
	case isPolled(r) && (status < 400 || status == http.StatusTooManyRequests):
		return slog.LevelDebug
	case strings.HasPrefix(r.URL.Path, "/live/") && status == http.StatusNotFound:
		return slog.LevelDebug
	}
	return slog.LevelInfo
}

// isAsset tells the static files every page loads, and the icons browsers
// ask for on their own.
func isAsset(path string) bool {
	switch path {
	case "/favicon.ico", "/apple-touch-icon.png", "/apple-touch-icon-precomposed.png":
		return true
	}
	return strings.HasPrefix(path, "/assets/")
}

// isPolled tells the requests a client repeats every few seconds: players,
// the studio, the watch page's viewer count, health checks and scrapers.
func isPolled(r *http.Request) bool {
	switch r.URL.Path {
	case "/healthz", "/metrics":
		return true
	case "/api/streams", "/api/studio":
		return r.Method == http.MethodGet || r.Method == http.MethodHead
	}
	return strings.HasPrefix(r.URL.Path, "/live/") ||
		((r.Method == http.MethodGet || r.Method == http.MethodHead) && strings.HasPrefix(r.URL.Path, "/api/studio/"))
}
