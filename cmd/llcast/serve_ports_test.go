package main

import (
	"context"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestServeDefaultPortFallback occupies the default port: llcast takes one
// of the next ten and says which.
func TestServeDefaultPortFallback(t *testing.T) {
	// If something else holds 8080 already, that occupies it just as well.
	if ln, err := net.Listen("tcp", "127.0.0.1:8080"); err == nil {
		defer ln.Close()
	}
	s := startServer(t, "--listen", "127.0.0.1:8080")
	u, err := url.Parse(s.URL)
	if err != nil {
		t.Fatal(err)
	}
	port, _ := strconv.Atoi(u.Port())
	if port < 8081 || port > 8090 {
		t.Fatalf("listening on %s, want a port from 8081 to 8090", s.URL)
	}
	if !strings.Contains(s.logs.String(), "port in use") {
		t.Errorf("the log does not say the port was taken:\n%s", s.logs)
	}
}

// TestServeExplicitPortTaken: a port chosen on purpose is not swapped for
// another.
func TestServeExplicitPortTaken(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = run(ctx, []string{"serve", "--listen", ln.Addr().String(), "--data", t.TempDir(), "--source", "test", "--probe", dnsResponder(t)},
		nil, io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "address already in use") ||
		!strings.Contains(err.Error(), "--listen") {
		t.Fatalf("serve on a taken port: %v, want an error saying so and how to pick another", err)
	}
}

// TestServeOpen opens the watch page with the desktop's opener (a fake
// xdg-open here that records its argument).
func TestServeOpen(t *testing.T) {
	bin := t.TempDir()
	got := filepath.Join(bin, "opened")
	script := "#!/bin/sh\necho \"$1\" > " + got + "\n"
	if err := os.WriteFile(filepath.Join(bin, "xdg-open"), []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	s := startServer(t, "--open")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(got)
		if err == nil && strings.TrimSpace(string(b)) == s.URL+"/" {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("xdg-open got %q (%v), want %s/", b, err, s.URL)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
