package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"
)

// makeLink runs `llcast link` against a running server's data dir and
// returns the URL and the link's ID.
func makeLink(t *testing.T, srv *testServer, stream string) (string, string) {
	t.Helper()
	var out bytes.Buffer
	err := run(context.Background(), []string{"link", "--stream", stream, "--ttl", "1h", "--base", srv.URL,
		"--data", srv.DataDir}, nil, &out, io.Discard)
	if err != nil {
		t.Fatalf("llcast link: %v", err)
	}
	url, _, _ := strings.Cut(out.String(), "\n")
	m := regexp.MustCompile(`llcast link revoke ([0-9a-f]+)`).FindStringSubmatch(out.String())
	if !strings.HasPrefix(url, srv.URL+"/live/"+stream+"/index.m3u8?token=") || m == nil {
		t.Fatalf("llcast link printed:\n%s", out.String())
	}
	return url, m[1]
}

func status(t *testing.T, url string) int {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestE2EStreamLink plays a stream link with ffmpeg and no cookie; a link
// for another stream and a revoked one get 401; the token never reaches
// the log.
func TestE2EStreamLink(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	srv := startServer(t)
	link, id := makeLink(t, srv, "main")
	frames, secs := decodeWithFFmpeg(t, ffmpeg, srv, link)
	if frames < 90 || secs < 3 {
		t.Errorf("ffmpeg decoded %d frames and %.2f s of audio through the link, want ≥ 90 and ≥ 3 s", frames, secs)
	}

	// A link names a stream that exists.
	if err := run(context.Background(), []string{"stream", "add", "backstage", "--data", srv.DataDir}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("llcast stream add: %v", err)
	}
	other, _ := makeLink(t, srv, "backstage")
	if got := status(t, strings.Replace(other, "/live/backstage/", "/live/main/", 1)); got != http.StatusUnauthorized {
		t.Errorf("a link for another stream used on main: %d, want 401", got)
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"link", "revoke", id, "--data", srv.DataDir}, nil, &out, io.Discard); err != nil {
		t.Fatalf("llcast link revoke: %v", err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for status(t, link) != http.StatusUnauthorized {
		if time.Now().After(deadline) {
			t.Fatal("a revoked link still plays")
		}
		time.Sleep(50 * time.Millisecond)
	}
	out.Reset()
	if err := run(context.Background(), []string{"link", "list", "--data", srv.DataDir}, nil, &out, io.Discard); err != nil ||
		!strings.Contains(out.String(), id) || !strings.Contains(out.String(), "revoked") {
		t.Errorf("llcast link list: %v\n%s", err, out.String())
	}
	for _, u := range []string{link, other} {
		token := u[strings.Index(u, "token=")+len("token="):]
		if strings.Contains(srv.logs.String(), token) {
			t.Fatal("a link's token reached the server log")
		}
	}
}
