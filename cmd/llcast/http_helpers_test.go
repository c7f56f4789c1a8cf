package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"

	"github.com/llcast/llcast/cmd/internal/hlsload"
)

// loginAt logs in through the form at base and returns the session token.
func loginAt(t *testing.T, base, user, password string) string {
	t.Helper()
	c := &http.Client{
		Timeout:       time.Minute, // bcrypt on a busy machine
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	resp, err := c.PostForm(base+"/login", url.Values{"username": {user}, "password": {password}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "jwt" && ck.Value != "" && resp.StatusCode == http.StatusSeeOther {
			return ck.Value
		}
	}
	t.Fatalf("login at %s as %s: status %d and no jwt cookie", base, user, resp.StatusCode)
	return ""
}

// viewerClient sends the session cookie to base.
func viewerClient(t *testing.T, base, token string) *http.Client {
	u, _ := url.Parse(base)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	jar.SetCookies(u, []*http.Cookie{{Name: "jwt", Value: token}})
	return &http.Client{Jar: jar, Timeout: 10 * time.Second}
}

// fetchWithCookie GETs target with the session token (none when empty),
// without following redirects, and reads the body away.
func fetchWithCookie(t *testing.T, target, token string) *http.Response {
	t.Helper()
	resp, _ := get(t, target, token)
	return resp
}

// pageStatus GETs target with the session token (none when empty),
// without following redirects: the status and the body.
func pageStatus(t *testing.T, target, token string) (int, string) {
	t.Helper()
	resp, body := get(t, target, token)
	return resp.StatusCode, string(body)
}

// get GETs target with the session token (none when empty), without
// following redirects.
func get(t *testing.T, target, token string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.AddCookie(&http.Cookie{Name: "jwt", Value: token})
	}
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// liveSegment is the path of the newest complete segment of the video
// playlist at base.
func liveSegment(t *testing.T, base, token string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, base+"/live/main/video.m3u8", nil)
	req.AddCookie(&http.Cookie{Name: "jwt", Value: token})
	resp, err := (&http.Client{Timeout: 10 * time.Second}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	pl, err := playlist.Unmarshal(body)
	m, ok := pl.(*playlist.Media)
	if err != nil || !ok || resp.StatusCode != http.StatusOK {
		t.Fatalf("video playlist: %d %v\n%s", resp.StatusCode, err, body)
	}
	for i := len(m.Segments) - 1; i >= 0; i-- {
		if !m.Segments[i].Gap {
			return "/live/main/" + m.Segments[i].URI
		}
	}
	t.Fatalf("no segment in the video playlist:\n%s", body)
	return ""
}

// readMetrics reads llcast's /metrics as an admin: "name{labels}" → value.
func readMetrics(t *testing.T, base, admin string) map[string]float64 {
	t.Helper()
	m, err := hlsload.ReadMetrics(t.Context(), base, admin)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// logLine is the last line of log that contains s.
func logLine(log, s string) string {
	lines := strings.Split(log, "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		if strings.Contains(lines[i], s) {
			return lines[i]
		}
	}
	return ""
}
