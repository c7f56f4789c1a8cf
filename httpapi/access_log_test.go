package httpapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestAccessLogOmitsSecrets(t *testing.T) {
	logs := &lockedWriter{w: &strings.Builder{}}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h := AccessLog(log)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(http.StatusTeapot)
	}))
	req := httptest.NewRequest(http.MethodGet, "/live/main/index.m3u8?token=SECRET-QUERY", nil)
	req.AddCookie(&http.Cookie{Name: CookieName, Value: "SECRET-COOKIE"})
	req.Header.Set("Authorization", "Bearer SECRET-HEADER")
	h.ServeHTTP(httptest.NewRecorder(), req)
	out := logs.String()
	if !strings.Contains(out, "path=/live/main/index.m3u8") || !strings.Contains(out, "status=418") {
		t.Fatalf("log line lacks path or status: %s", out)
	}
	if strings.Contains(out, "SECRET") {
		t.Fatalf("log leaks a secret: %s", out)
	}
}

func TestAccessLogLevels(t *testing.T) {
	for _, c := range []struct {
		method, path string
		status       int
		want         string
	}{
		{http.MethodGet, "/live/main/part1.mp4", 200, "DEBUG"},
		{http.MethodGet, "/live/main/index.m3u8", 401, "INFO"},
		{http.MethodGet, "/live/main/video.m3u8", 429, "DEBUG"},
		{http.MethodPost, "/login", 429, "INFO"},
		{http.MethodGet, "/api/studio", 200, "DEBUG"},
		{http.MethodGet, "/api/studio/logs", 200, "DEBUG"},
		{http.MethodGet, "/api/studio", 403, "INFO"},
		{http.MethodPost, "/api/studio/start", 200, "INFO"},
		{http.MethodGet, "/api/studiox", 200, "INFO"},
		{http.MethodGet, "/studio", 200, "INFO"},
		// A stream offline: every waiting player asks every few seconds.
		{http.MethodGet, "/live/main/index.m3u8", 404, "DEBUG"},
		{http.MethodHead, "/live/main/index.m3u8", 404, "DEBUG"},
		{http.MethodGet, "/live/main/video.m3u8", 503, "INFO"},
		{http.MethodGet, "/live/main/index.m3u8", 500, "INFO"},
		{http.MethodGet, "/watch/nope", 404, "INFO"},
		{http.MethodGet, "/nope", 404, "INFO"},
		{http.MethodGet, "/assets/studio.js", 200, "DEBUG"},
		{http.MethodGet, "/assets/logo.svg", 304, "DEBUG"},
		{http.MethodGet, "/assets/nope.js", 404, "DEBUG"},
		{http.MethodGet, "/assets/watch.js", 500, "INFO"},
		{http.MethodGet, "/favicon.ico", 404, "DEBUG"},
		{http.MethodGet, "/apple-touch-icon.png", 404, "DEBUG"},
		{http.MethodGet, "/assetsx/a.js", 200, "INFO"},
		{http.MethodGet, "/", 200, "INFO"},
		// Monitors: a health check or a scrape every few seconds.
		{http.MethodHead, "/healthz", 200, "DEBUG"},
		{http.MethodGet, "/healthz", 200, "DEBUG"},
		{http.MethodGet, "/metrics", 200, "DEBUG"},
		{http.MethodGet, "/metrics", 401, "INFO"},
		// The watch page's viewer count, every 5 s.
		{http.MethodGet, "/api/streams", 200, "DEBUG"},
		{http.MethodPost, "/api/streams", 405, "INFO"},
	} {
		logs := &lockedWriter{w: &strings.Builder{}}
		log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		AccessLog(log)(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(c.status)
		})).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(c.method, c.path, nil))
		if !strings.Contains(logs.String(), "level="+c.want) {
			t.Errorf("%s %s → %d logged %q, want level %s", c.method, c.path, c.status, logs, c.want)
		}
	}
}
