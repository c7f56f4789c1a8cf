package main

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
)

// TestE2EPublicURL: with http.public_url, serve prints it for other
// machines (after this machine's own URL), the studio lists it, and a
// link made on the watch page starts with it whatever Host the request
// named.
func TestE2EPublicURL(t *testing.T) {
	config := writeConfig(t, t.TempDir(), "http:\n  public_url: https://live.example/\n")
	srv := startServer(t, "--config", config)
	if !strings.HasPrefix(srv.URL, "http://127.0.0.1:") {
		t.Fatalf("the first URL printed is %q, want this machine's own", srv.URL)
	}
	if u := linkFromWatchPage(t, srv, "evil.example"); !strings.HasPrefix(u, "https://live.example/live/main/index.m3u8?token=") {
		t.Fatalf("a link asked for with Host evil.example: %q", u)
	}
	// Printed with the line the harness waited for; read on its own.
	waitFor(t, srv.stdout, "\n  https://live.example/\n")
}

// TestE2EBaseURLAfterPortFallback: when 8080 is taken and serve takes the
// next free port, links carry the port it got.
func TestE2EBaseURLAfterPortFallback(t *testing.T) {
	// If something else holds 8080 already, that occupies it just as well.
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err == nil {
		defer ln.Close()
	}
	srv := startServer(t, "--listen", "127.0.0.1:8080")
	if strings.HasSuffix(srv.URL, ":8080") {
		t.Fatalf("serve listens on %s, want another port than 8080", srv.URL)
	}
	if u := linkFromWatchPage(t, srv, "127.0.0.1:8080"); !strings.HasPrefix(u, srv.URL+"/live/main/index.m3u8?token=") {
		t.Fatalf("a link asked for with Host 127.0.0.1:8080: %q, want it on %s", u, srv.URL)
	}
}

// linkFromWatchPage makes a stream link as the watch page does, with the
// request's Host header set to host, and returns its URL.
func linkFromWatchPage(t *testing.T, srv *testServer, host string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/links", strings.NewReader(`{}`))
	req.Host = host
	req.AddCookie(&http.Cookie{Name: "jwt", Value: srv.login(t)})
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var made struct{ URL string }
	if resp.StatusCode != http.StatusCreated || json.Unmarshal(body, &made) != nil {
		t.Fatalf("POST /api/links: %d %s", resp.StatusCode, body)
	}
	return made.URL
}
