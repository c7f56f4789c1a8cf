package httpapi

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestRequireRole(t *testing.T) {
	h := RequireRole(RoleAdmin, slog.New(slog.NewTextHandler(io.Discard, nil)))(
		http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	for _, c := range []struct {
		name   string
		claims *Claims
		want   int
	}{
		{"no claims", nil, http.StatusForbidden},
		{"viewer", &Claims{Subject: "alice", Role: RoleViewer}, http.StatusForbidden},
		{"admin", &Claims{Subject: "root", Role: RoleAdmin}, http.StatusNoContent},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "/api/studio", nil)
			if c.claims != nil {
				req = req.WithContext(context.WithValue(req.Context(), claimsKey{}, *c.claims))
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != c.want {
				t.Fatalf("status %d, want %d", rec.Code, c.want)
			}
			if c.want == http.StatusForbidden {
				if body := strings.TrimSpace(rec.Body.String()); body != `{"error":"forbidden"}` {
					t.Fatalf("body %q", body)
				}
				if rec.Header().Get("Content-Type") != "application/json" {
					t.Fatalf("Content-Type %q", rec.Header().Get("Content-Type"))
				}
			}
		})
	}
}
