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
// per viewer, log at debug level so the streamer's terminal stays readable.
func AccessLog(log *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
			start := time.Now()
			defer func() {
				level := slog.LevelInfo
				if ww.Status() < 400 && strings.HasPrefix(r.URL.Path, "/live/") {
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
