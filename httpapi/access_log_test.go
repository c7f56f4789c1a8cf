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
