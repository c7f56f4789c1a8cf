package main

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// TestE2EJSONLogs runs serve with log.format: json from its config file:
// every line on standard error is a JSON object with time, level and msg,
// a request's client-chosen path is cut short in it too, and the banner
// (standard output) stays text for people.
func TestE2EJSONLogs(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "llcast.yml")
	if err := os.WriteFile(conf, []byte("log:\n  format: json\n  level: debug\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	s := startServer(t, "--config", conf)
	token := s.login(t)
	for _, path := range []string{"/healthz", "/assets/logo.svg", "/live/main/index.m3u8", "/" + strings.Repeat("x", 1000)} {
		fetchWithCookie(t, s.URL+path, token)
	}
	s.stop(t)

	if !strings.Contains(s.stdout.String(), "Press q or Ctrl+C") {
		t.Errorf("no banner on standard output:\n%s", s.stdout)
	}
	var requests, long int
	lines := strings.Split(strings.TrimSuffix(s.logs.String(), "\n"), "\n")
	for _, line := range lines {
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("a log line is not JSON (%v): %q", err, line)
		}
		for _, key := range []string{"time", "level", "msg"} {
			if _, ok := rec[key].(string); !ok {
				t.Fatalf("log line without a string %q: %q", key, line)
			}
		}
		if rec["msg"] == "request" && rec["component"] == "httpapi" {
			requests++
			if _, ok := rec["status"].(float64); !ok {
				t.Errorf("request line without a numeric status: %q", line)
			}
			if p, _ := rec["path"].(string); strings.HasPrefix(p, "/xxx") {
				long++
				if len(p) > 300 || !strings.Contains(p, "…(+") {
					t.Errorf("a 1000-byte path logged as %d bytes: %q", len(p), p)
				}
			}
		}
	}
	// login, four fetches; more if the server logged other requests.
	if requests < 5 || long != 1 || len(lines) < 10 {
		t.Fatalf("%d lines, %d request lines, %d with the long path:\n%s", len(lines), requests, long, s.logs)
	}
}

// TestE2EHeadOnPlaylist: HEAD on the stream's playlists and media answers
// as GET does, same status and headers, without a body; without a
// session it is refused like GET.
func TestE2EHeadOnPlaylist(t *testing.T) {
	s := startServer(t)
	token := s.login(t)
	segment := liveSegment(t, s.URL, token)

	_, body := get(t, s.URL+"/live/main/video.m3u8", token)
	pl, err := playlist.Unmarshal(body)
	media, ok := pl.(*playlist.Media)
	if err != nil || !ok || media.Map == nil {
		t.Fatalf("video playlist without EXT-X-MAP (%v):\n%s", err, body)
	}
	for _, c := range []struct {
		path, encoding, contentType string
	}{
		{"/live/main/index.m3u8", "identity", "application/vnd.apple.mpegurl"},
		{"/live/main/index.m3u8", "gzip", "application/vnd.apple.mpegurl"},
		{"/live/main/" + media.Map.URI, "identity", "video/mp4"},
		{segment, "identity", "video/mp4"},
	} {
		get := headOrGet(t, http.MethodGet, s.URL+c.path, token, c.encoding)
		head := headOrGet(t, http.MethodHead, s.URL+c.path, token, c.encoding)
		if head.status != http.StatusOK || head.header.Get("Content-Type") != c.contentType {
			t.Errorf("HEAD %s: %d %q, want 200 %q", c.path, head.status, head.header.Get("Content-Type"), c.contentType)
		}
		if len(head.body) != 0 {
			t.Errorf("HEAD %s sent %d bytes of body", c.path, len(head.body))
		}
		if head.length != int64(len(get.body)) || head.length <= 0 {
			t.Errorf("HEAD %s: Content-Length %d, GET sent %d bytes", c.path, head.length, len(get.body))
		}
		for _, h := range []string{"Content-Type", "Content-Encoding", "Cache-Control", "Vary"} {
			if head.header.Get(h) != get.header.Get(h) {
				t.Errorf("%s: %s is %q for HEAD, %q for GET", c.path, h, head.header.Get(h), get.header.Get(h))
			}
		}
	}
	if r := headOrGet(t, http.MethodHead, s.URL+"/live/main/index.m3u8", "", "identity"); r.status != http.StatusUnauthorized {
		t.Errorf("HEAD of the playlist without a session: %d, want 401", r.status)
	}
	if r := headOrGet(t, http.MethodHead, s.URL+"/healthz", "", "identity"); r.status != http.StatusOK || len(r.body) != 0 {
		t.Errorf("HEAD /healthz: %d with %d bytes of body, want 200 and none", r.status, len(r.body))
	}
}

// answer is a response read to the end.
type answer struct {
	status int
	header http.Header
	length int64
	body   []byte
}

// headOrGet sends method to target with the session token (none when
// empty), asking for encoding, which it does not undo.
func headOrGet(t *testing.T, method, target, token, encoding string) answer {
	t.Helper()
	req, err := http.NewRequest(method, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "jwt", Value: token})
	}
	req.Header.Set("Accept-Encoding", encoding)
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return answer{status: resp.StatusCode, header: resp.Header, length: resp.ContentLength, body: body}
}
