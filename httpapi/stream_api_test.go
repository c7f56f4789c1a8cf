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
	"time"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
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

// stagePublisher is an OBS pushing stage over RTMP with 2 s keyframes.
func stagePublisher(since time.Time) *fakePublishers {
	return &fakePublishers{
		publisher: func(stream string) (segmenter.PublisherStatus, bool) {
			switch stream {
			case "stage":
				return segmenter.PublisherStatus{
					Live: true, Connected: true, Protocol: "rtmp", Remote: "192.0.2.7:50123", Since: since,
					Bitrate: 2_500_000, FPS: 30, KeyframeInterval: 2 * time.Second,
					Link: ingest.LinkStats{Bytes: 1 << 20},
				}, true
			case "film":
				return segmenter.PublisherStatus{Live: true}, true // on the air, its publisher away
			}
			return segmenter.PublisherStatus{}, false
		},
		kick: func(stream string) bool { return stream == "stage" },
	}
}

func TestPublisherAPI(t *testing.T) {
	since := time.Now().Add(-90 * time.Second)
	pubs := stagePublisher(since)
	env, store := newStreamServer(t, func(s *Server) {
		s.Publishers = pubs
		s.Streams = liveStreams{"main": true, "stage": true}
	})
	key, _ := threeStreams(t, store)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range []struct {
		name, method, path string
		cookie             *http.Cookie
		header             map[string]string
		want               int
	}{
		{"no session", "GET", "/api/studio/streams/stage/publisher", nil, nil, 401},
		{"viewer", "GET", "/api/studio/streams/stage/publisher", viewer, nil, 403},
		{"no session kicks", "POST", "/api/studio/streams/stage/kick", nil, nil, 401},
		{"viewer kicks", "POST", "/api/studio/streams/stage/kick", viewer, nil, 403},
		{"cross-site kick", "POST", "/api/studio/streams/stage/kick", admin, map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"no such stream", "GET", "/api/studio/streams/nope/publisher", admin, nil, 404},
		{"kick without a publisher", "POST", "/api/studio/streams/main/kick", admin, nil, 404},
		{"kick, no such stream", "POST", "/api/studio/streams/nope/kick", admin, nil, 404},
	} {
		if r := env.do(t, c.method, c.path, c.cookie, nil, c.header); r.status != c.want {
			t.Errorf("%s: %d, want %d: %s", c.name, r.status, c.want, r.body)
		}
	}
	if got := pubs.kicks(); len(got) != 2 || got[0] != "main" || got[1] != "nope" {
		t.Fatalf("kicks %v: only the admin's same-site ones may reach the publishers", got)
	}

	r := env.do(t, "GET", "/api/studio/streams/stage/publisher", admin, nil, nil)
	var v publisherView
	if err := json.Unmarshal(r.body, &v); err != nil || r.status != 200 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	if !v.Live || !v.Connected || v.Protocol != "rtmp" || v.Remote != "192.0.2.7:50123" || !v.Since.Equal(since) ||
		v.Bitrate != 2_500_000 || v.FPS != 30 || v.KeyframeIntervalMS != 2000 || !v.KeyframeWarning ||
		v.UptimeS < 89 || v.UptimeS > 120 || v.Bytes != 1<<20 {
		t.Errorf("stage's publisher: %s", r.body)
	}
	r = env.do(t, "GET", "/api/studio/streams/main/publisher", admin, nil, nil)
	if r.status != 200 || !strings.Contains(string(r.body), `"connected":false`) || strings.Contains(string(r.body), `"remote"`) {
		t.Errorf("main has no publisher: %d %s", r.status, r.body)
	}

	r = env.do(t, "POST", "/api/studio/streams/stage/kick", admin, nil, nil)
	if r.status != http.StatusNoContent || len(r.body) != 0 {
		t.Fatalf("kick: %d %s", r.status, r.body)
	}
	if got := pubs.kicks(); got[len(got)-1] != "stage" {
		t.Fatalf("kicks %v, want stage last", got)
	}
	if !strings.Contains(env.logs.String(), "publisher stopped from the studio") {
		t.Error("the log does not say the publisher was stopped")
	}

	// The list carries what is live, the viewers and the publishers.
	env.do(t, "GET", "/live/stage/index.m3u8", viewer, nil, nil)
	r = env.do(t, "GET", "/api/studio/streams", admin, nil, nil)
	var list []streamEntry
	if err := json.Unmarshal(r.body, &list); err != nil || len(list) != 3 {
		t.Fatalf("list: %v %s", err, r.body)
	}
	main, stage, film := list[0], list[1], list[2]
	if main.Name != "main" || !main.Live || main.Viewers != 0 || main.Publisher != nil {
		t.Errorf("main: %+v", main)
	}
	if stage.Name != "stage" || !stage.Live || stage.Viewers != 1 || stage.Key != key ||
		stage.Publisher == nil || !stage.Publisher.Connected || !stage.Publisher.KeyframeWarning {
		t.Errorf("stage: %+v %+v", stage, stage.Publisher)
	}
	if film.Name != "film" || film.Live || film.Publisher == nil || film.Publisher.Connected || !film.Publisher.Live {
		t.Errorf("film: %+v %+v", film, film.Publisher)
	}
}

// TestPublisherAPIWithoutPublishers: no publisher routes, and no
// publisher in the list.
func TestPublisherAPIWithoutPublishers(t *testing.T) {
	env, store := newStreamServer(t, nil)
	threeStreams(t, store)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range []struct{ method, path string }{
		{"GET", "/api/studio/streams/stage/publisher"},
		{"POST", "/api/studio/streams/stage/kick"},
	} {
		if r := env.do(t, c.method, c.path, admin, nil, nil); r.status != 404 {
			t.Errorf("%s %s: %d, want 404", c.method, c.path, r.status)
		}
	}
	r := env.do(t, "GET", "/api/studio/streams", admin, nil, nil)
	if !strings.Contains(string(r.body), `"publisher":null`) || strings.Contains(string(r.body), `"connected"`) {
		t.Errorf("list: %s", r.body)
	}
}

// TestStreamAPITitle: admins set a stream's title (plain text), also when
// adding it; viewers read it on the watch page and in /api/streams.
func TestStreamAPITitle(t *testing.T) {
	env, store := newStreamServer(t, func(s *Server) { s.Streams = liveStreams{"main": true} })
	admin := sessionFor(t, env, "root", RoleAdmin)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	put := func(cookie *http.Cookie, name, body string) reply {
		t.Helper()
		return env.do(t, "PUT", "/api/studio/streams/"+name+"/title", cookie, strings.NewReader(body), nil)
	}

	r := put(admin, "main", `{"title":" Sunday\tservice <script>x</script>\n"}`)
	var info auth.StreamInfo
	if r.status != 200 || json.Unmarshal(r.body, &info) != nil || info.Title != "Sundayservice <script>x</script>" {
		t.Fatalf("PUT title: %d %s", r.status, r.body)
	}
	if s, _ := store.Get("main"); s.Title != info.Title {
		t.Fatalf("the store holds %q", s.Title)
	}
	page := env.do(t, "GET", "/watch/main", viewer, nil, nil)
	if body := string(page.body); !strings.Contains(body, "Sundayservice &lt;script&gt;x&lt;/script&gt;</h1>") ||
		strings.Contains(body, "<script>x") {
		t.Errorf("the watch page does not show the title as text:\n%s", body)
	}
	var list []map[string]any
	if r := env.do(t, "GET", "/api/streams", viewer, nil, nil); json.Unmarshal(r.body, &list) != nil ||
		len(list) == 0 || list[0]["title"] != info.Title {
		t.Errorf("/api/streams: %s", r.body)
	}

	added := env.do(t, "POST", "/api/studio/streams", admin, strings.NewReader(`{"name":"stage","title":"Main stage"}`), nil)
	if s, _ := store.Get("stage"); added.status != 201 || s.Title != "Main stage" || !strings.Contains(string(added.body), `"title":"Main stage"`) {
		t.Fatalf("POST with a title: %d %s, stored %q", added.status, added.body, s.Title)
	}
	if r := put(admin, "stage", `{"title":""}`); r.status != 200 {
		t.Fatalf("removing the title: %d %s", r.status, r.body)
	}
	if s, _ := store.Get("stage"); s.Title != "" {
		t.Fatalf("the title stayed: %q", s.Title)
	}

	long := strings.Repeat("x", auth.MaxTitleRunes+1)
	for _, c := range []struct {
		name, stream, body string
		cookie             *http.Cookie
		want               int
		wantBody           string
	}{
		{"too long", "main", `{"title":"` + long + `"}`, admin, 400, "at most 100"},
		{"not JSON", "main", `Sunday`, admin, 400, "the body must be JSON"},
		{"unknown field", "main", `{"title":"x","name":"y"}`, admin, 400, "the body must be JSON"},
		{"no such stream", "nope", `{"title":"x"}`, admin, 404, "no such stream"},
		{"viewer", "main", `{"title":"x"}`, viewer, 403, ""},
		{"no session", "main", `{"title":"x"}`, nil, 401, ""},
	} {
		if r := put(c.cookie, c.stream, c.body); r.status != c.want || !strings.Contains(string(r.body), c.wantBody) {
			t.Errorf("%s: %d %s, want %d and %q", c.name, r.status, r.body, c.want, c.wantBody)
		}
	}
	if r := env.do(t, "POST", "/api/studio/streams", admin, strings.NewReader(`{"name":"x","title":"`+long+`"}`), nil); r.status != 400 {
		t.Errorf("POST with a title too long: %d %s", r.status, r.body)
	}
	if _, err := store.Get("x"); err == nil {
		t.Error("a stream was added with a title too long")
	}
	if s, _ := store.Get("main"); s.Title != info.Title {
		t.Errorf("refused requests changed the title to %q", s.Title)
	}
}
