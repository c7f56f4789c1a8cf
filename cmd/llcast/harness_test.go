package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is a real `llcast serve` on 127.0.0.1 port 0, run in-process.
type testServer struct {
	URL     string // http://127.0.0.1:PORT (https with --tls)
	DataDir string
	logs    *syncBuffer
	stdout  *syncBuffer // what serve printed
	cancel  context.CancelFunc
	done    chan error
	stopped sync.Once
}

// syncBuffer collects the server's log for assertions.
type syncBuffer struct {
	mu  sync.Mutex
	buf strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

const (
	testUser     = "alice"
	testPassword = "correct horse battery"
)

// startServer adds the test user, starts serve with the test source and
// waits for the printed URL. It stops the server when the test ends.
func startServer(t *testing.T, extraArgs ...string) *testServer {
	t.Helper()
	dir := t.TempDir()
	if err := run(context.Background(), []string{"user", "add", testUser, "--password-stdin", "--data", dir},
		strings.NewReader(testPassword+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatalf("user add: %v", err)
	}
	return restartServer(t, dir, extraArgs...)
}

// restartServer starts serve on the data directory of a stopped one.
func restartServer(t *testing.T, dir string, extraArgs ...string) *testServer {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	s := &testServer{DataDir: dir, logs: &syncBuffer{}, stdout: &syncBuffer{}, cancel: cancel, done: make(chan error, 1)}
	// Publishers and the internet check stay on loopback too (README
	// "Contracts"): the probe asks a DNS responder of the test's own, so
	// the studio says online. A test's own flags come last and win, and
	// are checked.
	args := append([]string{
		"serve", "--listen", "127.0.0.1:0", "--data", dir, "--source", "test",
		"--rtmp-listen", "127.0.0.1:0", "--rtmps-listen", "127.0.0.1:0", "--srt-listen", "127.0.0.1:0",
		"--probe", dnsResponder(t),
	}, extraArgs...)
	if err := checkServeProbe(args, os.Environ()); err != nil {
		t.Fatalf("startServer: %v", err)
	}
	go func() {
		err := run(ctx, args, nil, pw, s.logs)
		pw.CloseWithError(io.EOF)
		s.done <- err
	}()
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintln(s.stdout, sc.Text())
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") || strings.HasPrefix(line, "https://") {
				select {
				case urlCh <- strings.TrimSuffix(line, "/"):
				default:
				}
			}
		}
	}()
	select {
	case s.URL = <-urlCh:
	case err := <-s.done:
		t.Fatalf("serve exited before printing its URL: %v\nlog:\n%s", err, s.logs)
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("serve printed no URL within 30 s\nlog:\n%s", s.logs)
	}
	t.Cleanup(func() { s.stop(t) })
	s.checkProbe(t)
	return s
}

// stop cancels serve and checks that it stopped cleanly and in time.
// Stopping twice does nothing.
func (s *testServer) stop(t *testing.T) {
	s.stopped.Do(func() {
		s.cancel()
		select {
		case err := <-s.done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(10 * time.Second):
			t.Errorf("serve did not stop within 10 s")
		}
	})
}

// login posts the form and returns the session token from the cookie.
func (s *testServer) login(t *testing.T) string {
	t.Helper()
	jar, _ := cookiejar.New(nil)
	c := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	resp, err := c.PostForm(s.URL+"/login", url.Values{"username": {testUser}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("login: status %d, want 303", resp.StatusCode)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "jwt" && c.Value != "" {
			return c.Value
		}
	}
	t.Fatal("login set no jwt cookie")
	return ""
}
