package httpapi

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"
)

// TestLogPerRequestIsBounded: whatever path a client sends, one request
// adds less than 1 KB to the log, and no raw control character.
func TestLogPerRequestIsBounded(t *testing.T) {
	env := newTestServer(t)
	long := func(n int) string { return strings.Repeat("A", n) }
	for _, c := range []struct {
		name, path string
		direct     bool // to the handler chain, past net/http's own limits
	}{
		{"1 MB path, handler chain", "/" + long(1<<20), true},
		{"1 MB media path, handler chain", "/live/" + long(1<<20) + "/index.m3u8", true},
		{"1 MB path, listener", "/" + long(1<<20), false},
		{"60 KB path, listener", "/" + long(60<<10), false},
		{"4 KB page path", "/" + long(MaxURLLength-1), false},
		{"4 KB media path", "/live/" + long(MaxURLLength-100) + "/index.m3u8", false},
		{"4 KB of escapes", "/live/" + strings.Repeat("%1b", (MaxURLLength-100)/3) + "/x.m3u8", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(env.logs.String())
			status := 0
			if c.direct {
				rec := httptest.NewRecorder()
				env.srv.srv.Handler.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, c.path, nil))
				status = rec.Code
			} else {
				status = rawGet(t, env.srv.Addr().String(), c.path)
			}
			if status < 400 {
				t.Fatalf("status %d, want a refusal", status)
			}
			added := env.logs.String()[before:]
			if len(added) >= 1024 {
				t.Fatalf("status %d; the request added %d bytes to the log, want under 1 KB:\n%.2000s", status, len(added), added)
			}
			if strings.ContainsRune(added, 0x1b) {
				t.Fatalf("a raw escape character reached the log:\n%q", added)
			}
		})
	}
	// The lines are there, cut: the limit did not just drop them.
	if out := env.logs.String(); !strings.Contains(out, "…(+") {
		t.Fatalf("no cut path in the log:\n%.2000s", out)
	}
}

// rawGet sends a GET for path over a new connection and returns the
// status, however early the server answers and hangs up.
func rawGet(t *testing.T, addr, path string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		// The server may answer and close before it has read it all.
		_, _ = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: llcast.test\r\nConnection: close\r\n\r\n", path)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestSlowBodyIsCutOff: a client sending its login form a byte at a time
// is hung up on once ReadTimeout has passed, long before it is done.
func TestSlowBodyIsCutOff(t *testing.T) {
	env := newTestServerWith(t, func(s *Server) { s.ReadTimeout = 500 * time.Millisecond })
	conn, err := net.DialTimeout("tcp", env.srv.Addr().String(), 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := "username=alice&password=correct+horse"
	if _, err := fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: llcast.test\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", len(body)); err != nil {
		t.Fatal(err)
	}
	// A byte every 200 ms would take 7 s; the server must end it first.
	ended := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		n := 0
		defer func() { sent <- n }()
		tick := time.NewTicker(200 * time.Millisecond)
		defer tick.Stop()
		for ; n < len(body)-1; n++ {
			select {
			case <-ended:
				return
			case <-tick.C:
			}
			if _, err := conn.Write([]byte{body[n]}); err != nil {
				return
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(10 * time.Second))
	// The server answers 400 and closes; the answer may be lost to a
	// reset, as the client's next byte arrives on a closed socket.
	rest, err := io.ReadAll(conn)
	close(ended)
	if errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("the server kept the connection open: %v", err)
	}
	if n := <-sent; n >= len(body)-1 {
		t.Fatalf("the client sent its whole body (%d bytes) before the server hung up", n)
	}
	if strings.Contains(string(rest), "Set-Cookie") {
		t.Fatalf("a cut-off body logged in:\n%s", rest)
	}
	waitFor(t, "the log of the cut-off form", func() bool { return strings.Contains(env.logs.String(), "unreadable login form") })
}

// TestHSTS: Strict-Transport-Security only over TLS, and only when asked
// for (serve asks for it with a certificate, not with a self-signed one).
func TestHSTS(t *testing.T) {
	cert, err := LoadOrCreateSelfSigned(t.TempDir(), []string{"127.0.0.1"}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(cert.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	for _, c := range []struct {
		name     string
		tls, set bool
		want     string
	}{
		{"TLS with HSTS", true, true, "max-age=31536000"},
		{"TLS without HSTS (self-signed)", true, false, ""},
		{"plain HTTP", false, true, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newTestServerWith(t, func(s *Server) {
				s.Users, s.HSTS = emptyUsers(t), c.set
				if c.tls {
					s.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
				}
			})
			scheme := "http"
			if c.tls {
				scheme = "https"
			}
			client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}}}
			for _, path := range []string{"/healthz", "/login", "/live/main/index.m3u8"} {
				resp, err := client.Get(scheme + "://" + env.srv.Addr().String() + path)
				if err != nil {
					t.Fatal(err)
				}
				resp.Body.Close()
				if got := resp.Header.Get("Strict-Transport-Security"); got != c.want {
					t.Errorf("GET %s: Strict-Transport-Security %q, want %q", path, got, c.want)
				}
			}
		})
	}
}
