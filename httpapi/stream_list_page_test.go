package httpapi

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/llcast/llcast/segmenter"
)

func TestStreamListPage(t *testing.T) {
	env, store := newStreamServer(t, func(s *Server) { s.Streams = liveStreams{"main": true, "film": true} })
	key, file := threeStreams(t, store)
	bob := sessionWith(t, env, "bob", "main")
	carol := sessionWith(t, env, "carol", "stage", "film")
	// bob watches main: one viewer there.
	if r := env.do(t, "GET", "/live/main/index.m3u8", bob, nil, nil); r.status != 200 {
		t.Fatalf("bob's playlist: %d", r.status)
	}
	for _, c := range []struct {
		name      string
		cookie    *http.Cookie
		want      []string // in this order
		notWanted []string
	}{
		{"admin", sessionFor(t, env, "root", RoleAdmin), []string{
			`<li class="stream-card" data-stream="main" data-live="true" data-vod="false">`,
			`href="/watch/main"`, `data-state="live">Live<`, `Camera / test`, `1 viewer<`,
			`data-stream="stage" data-live="false" data-vod="false"`, `href="/watch/stage"`, `data-state="offline">Offline<`, `Push`, `0 viewers<`,
			`data-stream="film" data-live="true" data-vod="true"`, `href="/watch/film"`, `data-state="live">Ready<`, `On demand`,
			`id="streams-empty" class="streams-empty" hidden`,
		}, []string{key, file}},
		{"granted main", bob, []string{`data-stream="main"`, `id="streams-empty" class="streams-empty" hidden`},
			[]string{`data-stream="stage"`, `data-stream="film"`, `id="studio-link"`}},
		{"granted two", carol, []string{`data-stream="stage"`, `data-stream="film"`}, []string{`data-stream="main"`, key}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, "GET", "/", c.cookie, nil, nil)
			if r.status != 200 || r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("%d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
			}
			body := string(r.body)
			at := 0
			for _, want := range c.want {
				i := strings.Index(body[at:], want)
				if i < 0 {
					t.Fatalf("the page lacks %q after byte %d:\n%s", want, at, body)
				}
				at += i + len(want)
			}
			for _, bad := range c.notWanted {
				if strings.Contains(body, bad) {
					t.Errorf("the page holds %q:\n%s", bad, body)
				}
			}
		})
	}
	if r := env.do(t, "GET", "/", nil, nil, nil); r.status != http.StatusSeeOther || r.header.Get("Location") != "/login" {
		t.Errorf("logged out: %d → %q, want 303 → /login", r.status, r.header.Get("Location"))
	}
}

func TestStreamListEmpty(t *testing.T) {
	env, store := newStreamServer(t, nil)
	if _, err := store.Remove("main"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		cookie *http.Cookie
		want   string
	}{
		{"viewer", sessionFor(t, env, "alice", RoleViewer), "Ask an admin"},
		{"admin", sessionFor(t, env, "root", RoleAdmin), `Add one in the <a href="/studio">studio</a>`},
	} {
		r := env.do(t, "GET", "/", c.cookie, nil, nil)
		if body := string(r.body); r.status != 200 || !strings.Contains(body, "No streams to watch yet.") ||
			!strings.Contains(body, c.want) || strings.Contains(body, `class="stream-card"`) {
			t.Errorf("%s: %d\n%s", c.name, r.status, body)
		}
	}
}

// TestStreamListWithoutStore: the default stream is the only one.
func TestStreamListWithoutStore(t *testing.T) {
	env := newTestServerWith(t, func(s *Server) { s.Users = emptyUsers(t) })
	r := env.do(t, "GET", "/api/streams", sessionFor(t, env, "alice", RoleViewer), nil, nil)
	var got []streamSummary
	if err := json.Unmarshal(r.body, &got); err != nil || r.status != 200 || len(got) != 1 ||
		got[0] != (streamSummary{Name: "main", Source: "local", Kind: "Camera / test", Live: true, Watch: "/watch/main"}) {
		t.Fatalf("%d %s", r.status, r.body)
	}
}

func TestStreamListAPI(t *testing.T) {
	env, store := newStreamServer(t, func(s *Server) { s.Streams = liveStreams{"main": true, "film": true} })
	key, file := threeStreams(t, store)
	bob := sessionWith(t, env, "bob", "main")
	env.do(t, "GET", "/live/film/index.m3u8", sessionFor(t, env, "dave", RoleViewer), nil, nil)
	env.do(t, "GET", "/live/film/index.m3u8", sessionFor(t, env, "erin", RoleViewer), nil, nil)
	for _, c := range []struct {
		name   string
		cookie *http.Cookie
		header map[string]string
		status int
		want   []streamSummary
	}{
		{"no session", nil, nil, 401, nil},
		{"cross-site", bob, map[string]string{"Sec-Fetch-Site": "cross-site"}, 200, []streamSummary{
			{Name: "main", Source: "local", Kind: "Camera / test", Live: true, Watch: "/watch/main"},
		}}, // a GET changes nothing; the same-origin policy keeps its answer from other sites
		{"granted main", bob, nil, 200, []streamSummary{
			{Name: "main", Source: "local", Kind: "Camera / test", Live: true, Watch: "/watch/main"},
		}},
		{"granted none of them", sessionWith(t, env, "frank", "elsewhere"), nil, 200, []streamSummary{}},
		{"admin", sessionFor(t, env, "root", RoleAdmin), nil, 200, []streamSummary{
			{Name: "main", Source: "local", Kind: "Camera / test", Live: true, Watch: "/watch/main"},
			{Name: "stage", Source: "push", Kind: "Push", Watch: "/watch/stage"},
			{Name: "film", Source: "file", VOD: true, Kind: "On demand", Live: true, Viewers: 2, Watch: "/watch/film"},
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, "GET", "/api/streams", c.cookie, nil, c.header)
			if r.status != c.status {
				t.Fatalf("%d, want %d: %s", r.status, c.status, r.body)
			}
			if c.status != 200 {
				return
			}
			for _, secret := range []string{key, file, `"key":`, `"file":`, `"rtmp":`} {
				if strings.Contains(string(r.body), secret) {
					t.Fatalf("the answer holds %s: %s", secret, r.body)
				}
			}
			var got []streamSummary
			if err := json.Unmarshal(r.body, &got); err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("got %+v, want %+v", got, c.want)
			}
			for i := range got {
				if got[i] != c.want[i] {
					t.Errorf("stream %d: %+v, want %+v", i, got[i], c.want[i])
				}
			}
		})
	}
}

// A push stream is live while its publisher is connected, not while its
// stream waits for the publisher to come back.
func TestStreamListPushNeedsAPublisher(t *testing.T) {
	connected := false
	env, store := newStreamServer(t, func(s *Server) {
		s.Streams = liveStreams{"stage": true}
		s.Publishers = &fakePublishers{publisher: func(string) (segmenter.PublisherStatus, bool) {
			return segmenter.PublisherStatus{Live: true, Connected: connected}, true
		}}
	})
	threeStreams(t, store)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, connected = range []bool{false, true} {
		var got []streamSummary
		if err := json.Unmarshal(env.do(t, "GET", "/api/streams", admin, nil, nil).body, &got); err != nil {
			t.Fatal(err)
		}
		for _, s := range got {
			if s.Name == "stage" && s.Live != connected {
				t.Errorf("publisher connected %v: stage live %v", connected, s.Live)
			}
		}
	}
}
