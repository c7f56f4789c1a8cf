package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llcast/llcast/httpapi/auth"
)

func newStreamServer(t *testing.T, configure func(*Server)) (*testEnv, *auth.StreamStore) {
	t.Helper()
	store := &auth.StreamStore{Path: filepath.Join(t.TempDir(), auth.StreamsFile)}
	env := newTestServerWith(t, func(s *Server) {
		s.Users = emptyUsers(t)
		s.StreamStore = store
		s.PublishPorts = auth.PublishPorts{RTMP: "1935", SRT: "8890"}
		if configure != nil {
			configure(s)
		}
	})
	return env, store
}

func TestStreamAPIAuth(t *testing.T) {
	env, _ := newStreamServer(t, nil)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range []struct {
		name, method, path string
		cookie             *http.Cookie
		header             map[string]string
		want               int
	}{
		{"no cookie", "GET", "/api/studio/streams", nil, nil, 401},
		{"viewer", "GET", "/api/studio/streams", viewer, nil, 403},
		{"viewer adds", "POST", "/api/studio/streams", viewer, nil, 403},
		{"viewer removes", "DELETE", "/api/studio/streams/main", viewer, nil, 403},
		{"viewer rotates", "POST", "/api/studio/streams/main/key", viewer, nil, 403},
		{"cross-site", "DELETE", "/api/studio/streams/main", admin, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"admin", "GET", "/api/studio/streams", admin, nil, 200},
		{"admin, trailing slash", "GET", "/api/studio/streams/", admin, nil, 200},
	} {
		if got := env.do(t, c.method, c.path, c.cookie, nil, c.header).status; got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
	// Without a store, the routes are absent.
	plain := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
	if got := plain.do(t, "GET", "/api/studio/streams", sessionFor(t, plain, "root", RoleAdmin), nil, nil).status; got != 404 {
		t.Errorf("without a stream store: %d, want 404", got)
	}
}

// TestStreamAPIWithStudio: the stream routes and the studio's share
// /api/studio.
func TestStreamAPIWithStudio(t *testing.T) {
	env, _ := newStreamServer(t, func(s *Server) { s.Studio = &fakeStudio{} })
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, path := range []string{"/api/studio", "/api/studio/streams"} {
		if got := env.do(t, "GET", path, admin, nil, nil).status; got != 200 {
			t.Errorf("GET %s: %d", path, got)
		}
	}
}

func TestStreamAPI(t *testing.T) {
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(clip, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	env, store := newStreamServer(t, func(s *Server) {
		s.CheckStreamFile = func(path string) error {
			if strings.HasSuffix(path, ".avi") {
				return errors.New("unsupported codec: use H.264")
			}
			return nil
		}
	})
	avi := filepath.Join(filepath.Dir(clip), "clip.avi")
	if err := os.WriteFile(avi, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	admin := sessionFor(t, env, "root", RoleAdmin)
	call := func(method, path, body string, want int) auth.StreamInfo {
		t.Helper()
		r := env.do(t, method, path, admin, strings.NewReader(body), nil)
		if r.status != want {
			t.Fatalf("%s %s %s: %d, want %d: %s", method, path, body, r.status, want, r.body)
		}
		var info auth.StreamInfo
		if want < 300 && want != 204 && json.Unmarshal(r.body, &info) != nil {
			t.Fatalf("%s %s: not a stream: %s", method, path, r.body)
		}
		return info
	}

	obs := call("POST", "/api/studio/streams", `{"name":"obs"}`, 201)
	if obs.Source != auth.SourcePush || len(obs.Key) != 32 ||
		obs.RTMP != "rtmp://127.0.0.1:1935/live/obs?key="+obs.Key ||
		obs.OBSServer != "rtmp://127.0.0.1:1935/live" || obs.OBSKey != "obs?key="+obs.Key ||
		obs.SRT != "srt://127.0.0.1:8890?streamid=publish:obs:"+obs.Key || obs.RTMPS != "" {
		t.Fatalf("new push stream %+v", obs)
	}
	if err := store.CheckKey("obs", obs.Key); err != nil {
		t.Fatalf("the store does not know the new key: %v", err)
	}
	film := call("POST", "/api/studio/streams", `{"name":"film","file":"`+clip+`","vod":true}`, 201)
	if film.Source != auth.SourceFile || film.File != clip || !film.VOD || film.Key != "" || film.RTMP != "" || film.Watch != "/watch/film" {
		t.Fatalf("new file stream %+v", film)
	}
	for _, c := range []struct{ body, want string }{
		{`{"name":"obs"}`, "exists"},
		{`{"name":"Bad Name"}`, "invalid stream name"},
		{`{"name":""}`, "invalid stream name"},
		{`{"name":"x","vod":true}`, "vod needs a file"},
		{`{"name":"x","file":"clip.mp4"}`, "absolute"},
		{`{"name":"x","file":"` + clip + `.missing"}`, "no such file"},
		{`{"name":"x","file":"` + avi + `"}`, "unsupported codec"},
		{`{"name":"x","source":"local"}`, "the body must be JSON"},
		{`not json`, "the body must be JSON"},
	} {
		want := 400
		if c.want == "exists" {
			want = 409
		}
		r := env.do(t, "POST", "/api/studio/streams", admin, strings.NewReader(c.body), nil)
		if r.status != want || !strings.Contains(string(r.body), c.want) {
			t.Errorf("POST %s: %d %s, want %d and %q", c.body, r.status, r.body, want, c.want)
		}
	}

	r := env.do(t, "GET", "/api/studio/streams", admin, nil, nil)
	var list []auth.StreamInfo
	if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 3 ||
		list[0].Name != "main" || list[0].Source != auth.SourceLocal || list[0].Key != "" ||
		list[1].Key != obs.Key || list[2].Name != "film" {
		t.Fatalf("list: %s", r.body)
	}

	rotated := call("POST", "/api/studio/streams/obs/key", "", 200)
	if rotated.Key == obs.Key || len(rotated.Key) != 32 || !strings.HasSuffix(rotated.RTMP, "?key="+rotated.Key) {
		t.Fatalf("rotated %+v", rotated)
	}
	if err := store.CheckKey("obs", obs.Key); err == nil {
		t.Fatal("the old key still works")
	}
	call("POST", "/api/studio/streams/main/key", "", 409)
	call("POST", "/api/studio/streams/nope/key", "", 404)

	call("DELETE", "/api/studio/streams/obs", "", 204)
	call("DELETE", "/api/studio/streams/obs", "", 404)
	if _, err := store.Get("obs"); err == nil {
		t.Fatal("the removed stream is still in the store")
	}
	logs := env.logs.String()
	if !strings.Contains(logs, "stream added") || !strings.Contains(logs, "publish key rotated") {
		t.Errorf("the log does not say what was done:\n%s", logs)
	}
	for _, key := range []string{obs.Key, rotated.Key} {
		if strings.Contains(logs, key) {
			t.Fatal("a publish key reached the log")
		}
	}
}

func TestRequestHost(t *testing.T) {
	for _, c := range []struct{ host, want string }{
		{"example.org:8080", "example.org"},
		{"example.org", "example.org"},
		{"192.168.1.5:8080", "192.168.1.5"},
		{"[fd00::1]:8080", "fd00::1"},
		{"[fd00::1]", "fd00::1"},
	} {
		r := httptest.NewRequest("GET", "/", nil)
		r.Host = c.host
		if got := requestHost(r); got != c.want {
			t.Errorf("requestHost(%q) = %q, want %q", c.host, got, c.want)
		}
	}
}
