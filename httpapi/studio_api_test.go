package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

var sameOrigin = map[string]string{"Sec-Fetch-Site": "same-origin"}

func TestStudioAPIAuth(t *testing.T) {
	env := newStudioServer(t, &fakeStudio{}, nil)
	admin, viewer := sessionFor(t, env, "root", RoleAdmin), sessionFor(t, env, "alice", RoleViewer)
	for _, c := range []struct {
		name, method, path string
		cookie             *http.Cookie
		want               int
		wantBody           string
	}{
		{"no cookie", http.MethodGet, "/api/studio", nil, http.StatusUnauthorized, `{"error":"unauthorized"}`},
		{"bad cookie", http.MethodGet, "/api/studio", &http.Cookie{Name: CookieName, Value: "x"}, http.StatusUnauthorized, `{"error":"unauthorized"}`},
		{"no cookie, POST", http.MethodPost, "/api/studio/start", nil, http.StatusUnauthorized, `{"error":"unauthorized"}`},
		{"viewer", http.MethodGet, "/api/studio", viewer, http.StatusForbidden, `{"error":"forbidden"}`},
		{"viewer, logs", http.MethodGet, "/api/studio/logs", viewer, http.StatusForbidden, `{"error":"forbidden"}`},
		{"viewer, POST", http.MethodPost, "/api/studio/stop", viewer, http.StatusForbidden, `{"error":"forbidden"}`},
		{"admin", http.MethodGet, "/api/studio", admin, http.StatusOK, ""},
		{"admin, trailing slash", http.MethodGet, "/api/studio/", admin, http.StatusOK, ""},
		{"admin, wrong method", http.MethodGet, "/api/studio/start", admin, http.StatusMethodNotAllowed, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := env.do(t, c.method, c.path, c.cookie, nil, sameOrigin)
			if r.status != c.want {
				t.Fatalf("%d, want %d: %s", r.status, c.want, r.body)
			}
			if c.wantBody != "" && strings.TrimSpace(string(r.body)) != c.wantBody {
				t.Fatalf("body %s, want %s", r.body, c.wantBody)
			}
			if c.want != http.StatusMethodNotAllowed && r.header.Get("Cache-Control") != "no-store" {
				t.Fatalf("Cache-Control %q, want no-store", r.header.Get("Cache-Control"))
			}
		})
	}
}

func TestStudioAPISnapshot(t *testing.T) {
	since := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	live := segmenter.BroadcastStatus{
		Live: true, Stream: "main", Since: since,
		Video: ingest.InputStatus{Kind: ingest.InputTest, Name: "test pattern", State: ingest.StateOK},
	}
	devices := []ingest.Device{
		{Kind: ingest.KindMicrophone, Name: "Null", Null: true},
		{Kind: ingest.KindCamera, Name: "C920", Label: "/dev/video0", Modes: []string{"640x480 MJPEG @30"}},
	}
	for _, c := range []struct {
		name      string
		studio    *fakeStudio
		configure func(*Server)
		want      []string // fragments of the JSON
	}{
		{"nothing attached", &fakeStudio{}, nil, []string{
			`"cameras":[]`, `"microphones":[]`, `"addresses":[]`, `"viewers":0`,
			`"network":{"state":"unknown","address":""}`, `"stream_url":"/live/main/index.m3u8"`,
			`"broadcast":{"live":false,"stream":"main",`,
		}},
		{"everything", &fakeStudio{
			status:  func() segmenter.BroadcastStatus { return live },
			devices: func() []ingest.Device { return devices },
		}, func(s *Server) {
			s.Addresses = func() []string { return []string{"http://192.0.2.7:8080/"} }
			s.DefaultStream = "cam 1"
		}, []string{
			`"cameras":[{"kind":"camera","name":"C920","label":"/dev/video0","modes":["640x480 MJPEG @30"]}]`,
			`"microphones":[{"kind":"microphone","name":"Null","label":"","null":true}]`,
			`"addresses":["http://192.0.2.7:8080/"]`,
			`"since":"2025-01-02T03:04:05Z"`, `"video":{"kind":"test","name":"test pattern","state":"ok"}`,
			`"stream_url":"/live/cam%201/index.m3u8"`,
		}},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newStudioServer(t, c.studio, c.configure)
			r := env.do(t, http.MethodGet, "/api/studio", sessionFor(t, env, "root", RoleAdmin), nil, nil)
			if r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
				t.Fatalf("%d %q: %s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var snap Snapshot
			if err := json.Unmarshal(r.body, &snap); err != nil {
				t.Fatalf("not a snapshot: %v\n%s", err, r.body)
			}
			for _, frag := range c.want {
				if !strings.Contains(string(r.body), frag) {
					t.Errorf("snapshot lacks %s:\n%s", frag, r.body)
				}
			}
		})
	}
}

func TestStudioAPINetworkAndViewers(t *testing.T) {
	probe := &NetProbe{
		Address: "192.0.2.1:53", Interval: time.Hour, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Dial: func(context.Context, string, string) (net.Conn, error) {
			return nil, errors.New("network is unreachable")
		},
	}
	if err := probe.Start(); err != nil {
		t.Fatal(err)
	}
	defer probe.Close()
	waitFor(t, "the first probe", func() bool { return probe.Status().State == NetOffline })
	env := newStudioServer(t, &fakeStudio{}, func(s *Server) { s.Probe = probe })
	env.do(t, http.MethodGet, "/live/main/index.m3u8", sessionFor(t, env, "alice", RoleViewer), nil, nil)
	r := env.do(t, http.MethodGet, "/api/studio", sessionFor(t, env, "root", RoleAdmin), nil, nil)
	var snap Snapshot
	if err := json.Unmarshal(r.body, &snap); err != nil {
		t.Fatal(err)
	}
	if snap.Network.State != NetOffline || snap.Network.Error != "network is unreachable" || snap.Network.Checked.IsZero() {
		t.Errorf("network %+v, want offline with the error and the time", snap.Network)
	}
	if snap.Viewers != 1 {
		t.Errorf("viewers %d, want 1", snap.Viewers)
	}
}

func TestStudioAPIStartStop(t *testing.T) {
	var mu sync.Mutex // guards calls
	var calls []string
	var fail error
	record := func(what string) func() error {
		return func() error {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, what)
			return fail
		}
	}
	env := newStudioServer(t, &fakeStudio{start: record("start"), stop: record("stop")}, nil)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range []struct {
		name     string
		path     string
		header   map[string]string
		err      error
		want     int
		wantCall string
		wantBody string
	}{
		{"start", "/api/studio/start", sameOrigin, nil, http.StatusOK, "start", `"broadcast":`},
		{"stop", "/api/studio/stop", nil, nil, http.StatusOK, "stop", `"broadcast":`},
		{"cross-site start", "/api/studio/start", map[string]string{"Sec-Fetch-Site": "cross-site"}, nil, http.StatusForbidden, "", ""},
		{"cross-origin stop", "/api/studio/stop", map[string]string{"Origin": "https://evil.example"}, nil, http.StatusForbidden, "", ""},
		{"start fails", "/api/studio/start", sameOrigin, errors.New("the encoder failed to start"), http.StatusInternalServerError,
			"start", `{"error":"the encoder failed to start"}`},
		{"camera gone", "/api/studio/start", sameOrigin, fmt.Errorf("opening the camera: %w", ingest.ErrNoDevice), http.StatusConflict,
			"start", `{"error":"opening the camera: no such device"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			calls, fail = nil, c.err
			mu.Unlock()
			r := env.do(t, http.MethodPost, c.path, admin, nil, c.header)
			if r.status != c.want || !strings.Contains(string(r.body), c.wantBody) {
				t.Fatalf("%d %s, want %d with %s", r.status, r.body, c.want, c.wantBody)
			}
			mu.Lock()
			defer mu.Unlock()
			if got := strings.Join(calls, ","); got != c.wantCall {
				t.Fatalf("studio calls %q, want %q", got, c.wantCall)
			}
		})
	}
}

var selectionCases = []struct {
	name     string
	body     string
	studio   error
	want     int
	wantBody string
}{
	{"device and test", `{"video":{"kind":"device","name":"C920"},"audio":{"kind":"test"}}`, nil, http.StatusOK, `"broadcast":`},
	{"none", `{"video":{"kind":"none"},"audio":{"kind":"none"}}`, nil, http.StatusOK, `"broadcast":`},
	{"not JSON", `{"video":`, nil, http.StatusBadRequest, `"error":"the selection is not valid JSON`},
	{"unknown field", `{"video":{"kind":"test"},"audio":{"kind":"test"},"x":1}`, nil, http.StatusBadRequest, `unknown field`},
	{"two objects", `{"video":{"kind":"test"},"audio":{"kind":"test"}}{}`, nil, http.StatusBadRequest, `more data`},
	{"unknown kind", `{"video":{"kind":"file"},"audio":{"kind":"test"}}`, nil, http.StatusBadRequest, `video kind \"file\" is unknown`},
	{"missing kind", `{"video":{"kind":"test"}}`, nil, http.StatusBadRequest, `audio kind \"\" is unknown`},
	{"no such camera", `{"video":{"kind":"device","name":"C930"},"audio":{"kind":"test"}}`,
		fmt.Errorf("%w: no camera matches \"C930\"", ingest.ErrNoDevice), http.StatusBadRequest,
		`{"error":"no such device: no camera matches \"C930\""}`},
	{"studio fails", `{"video":{"kind":"test"},"audio":{"kind":"test"}}`, errors.New("the stream is stuck"),
		http.StatusInternalServerError, `{"error":"the stream is stuck"}`},
}

func TestStudioAPISelect(t *testing.T) {
	var mu sync.Mutex // guards got and fail
	var got *ingest.Selection
	var fail error
	env := newStudioServer(t, &fakeStudio{sel: func(s ingest.Selection) error {
		mu.Lock()
		defer mu.Unlock()
		got = &s
		return fail
	}}, nil)
	admin := sessionFor(t, env, "root", RoleAdmin)
	for _, c := range selectionCases {
		t.Run(c.name, func(t *testing.T) {
			mu.Lock()
			got, fail = nil, c.studio
			mu.Unlock()
			r := env.do(t, http.MethodPost, "/api/studio/select", admin, strings.NewReader(c.body), sameOrigin)
			if r.status != c.want || !strings.Contains(string(r.body), c.wantBody) {
				t.Fatalf("%d %s, want %d with %s", r.status, r.body, c.want, c.wantBody)
			}
			mu.Lock()
			defer mu.Unlock()
			if reached := got != nil; reached != (c.want == http.StatusOK || c.studio != nil) {
				t.Fatalf("studio reached: %v", reached)
			}
			if c.name == "device and test" && *got != (ingest.Selection{
				Video: ingest.Choice{Kind: ingest.InputDevice, Name: "C920"}, Audio: ingest.Choice{Kind: ingest.InputTest},
			}) {
				t.Fatalf("selection %+v", *got)
			}
		})
	}
}

func FuzzDecodeSelection(f *testing.F) {
	for _, c := range selectionCases {
		f.Add(c.body)
	}
	f.Fuzz(func(t *testing.T, body string) {
		sel, err := decodeSelection(strings.NewReader(body))
		if err != nil {
			return
		}
		for _, k := range []ingest.InputKind{sel.Video.Kind, sel.Audio.Kind} {
			if k != ingest.InputTest && k != ingest.InputDevice && k != ingest.InputNone {
				t.Fatalf("accepted kind %q from %q", k, body)
			}
		}
	})
}

func TestStudioAPILogs(t *testing.T) {
	ring := &LogRing{Size: 150}
	env := newStudioServer(t, &fakeStudio{}, func(s *Server) { s.Logs = ring })
	none := newStudioServer(t, &fakeStudio{}, nil)
	get := func(env *testEnv, query string) (int, logPage) {
		t.Helper()
		r := env.do(t, http.MethodGet, "/api/studio/logs"+query, sessionFor(t, env, "root", RoleAdmin), nil, nil)
		var page logPage
		if r.status == http.StatusOK {
			if err := json.Unmarshal(r.body, &page); err != nil || page.Lines == nil {
				t.Fatalf("%v: %s", err, r.body)
			}
		}
		return r.status, page
	}
	check := func(query string, wantFirst, wantLen int, wantNext uint64) {
		t.Helper()
		status, page := get(env, query)
		if status != http.StatusOK || len(page.Lines) != wantLen || page.Next != wantNext {
			t.Fatalf("logs%s: %d, %d lines, next %d; want 200, %d lines, next %d", query, status, len(page.Lines), page.Next, wantLen, wantNext)
		}
		if wantLen > 0 && (page.Lines[0].Seq != uint64(wantFirst) || page.Lines[0].Text != fmt.Sprintf("line %d", wantFirst)) {
			t.Fatalf("logs%s: first line %+v, want seq %d", query, page.Lines[0], wantFirst)
		}
	}

	check("", 0, 0, 0)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(ring, "line %d\n", i)
	}
	check("", 1, 3, 3)
	check("?after=0", 1, 3, 3)
	check("?after=2", 3, 1, 3)
	check("?after=3", 0, 0, 3)
	for i := 4; i <= 120; i++ {
		fmt.Fprintf(ring, "line %d\n", i)
	}
	check("?after=3", 21, 100, 120) // at most the last 100
	check("?after=115", 116, 5, 120)

	if status, _ := get(env, "?after=-1"); status != http.StatusBadRequest {
		t.Fatalf("after=-1: %d, want 400", status)
	}
	if status, page := get(none, "?after=5"); status != http.StatusOK || len(page.Lines) != 0 || page.Next != 0 {
		t.Fatalf("without a ring: %d %+v", status, page)
	}
}
