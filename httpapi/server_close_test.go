package httpapi

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestCloseCutsOffRunningRequests: a request still running after
// ShutdownTimeout is cut off; that is a warning, not an error.
func TestCloseCutsOffRunningRequests(t *testing.T) {
	started, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	env := newTestServerWith(t, func(s *Server) {
		s.ShutdownTimeout = 50 * time.Millisecond
		s.Streams = fakeStreams{http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			once.Do(func() { close(started) })
			select {
			case <-release:
			case <-r.Context().Done():
			}
		})}
	})
	defer close(release)
	req, _ := http.NewRequest(http.MethodGet, env.url+"/live/main/index.m3u8", nil)
	req.AddCookie(sessionFor(t, env, "alice", RoleViewer))
	done := make(chan error, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	<-started
	if err := env.srv.Close(); err != nil {
		t.Errorf("Close with a request running: %v, want nil", err)
	}
	if err := <-done; err == nil {
		t.Error("the running request was not cut off")
	}
	if !strings.Contains(env.logs.String(), "cutting off") {
		t.Errorf("nothing logged:\n%s", env.logs)
	}
}
