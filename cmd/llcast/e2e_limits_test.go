package main

import (
	"bufio"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi"
)

// TestE2ESlowBodyIsCutOff: with http.read_timeout at 2s, a client sending
// its login form one byte a second is hung up on long before it is done,
// and does not log in.
func TestE2ESlowBodyIsCutOff(t *testing.T) {
	config := filepath.Join(t.TempDir(), "llcast.yml")
	if err := os.WriteFile(config, []byte("http:\n  read_timeout: 2s\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "--config", config)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", u.Host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := url.Values{"username": {testUser}, "password": {testPassword}}.Encode()
	if _, err := fmt.Fprintf(conn, "POST /login HTTP/1.1\r\nHost: %s\r\n"+
		"Content-Type: application/x-www-form-urlencoded\r\nContent-Length: %d\r\n\r\n", u.Host, len(body)); err != nil {
		t.Fatal(err)
	}
	// All but the last byte, one a second: 40 s, unless the server hangs up.
	stop := make(chan struct{})
	sent := make(chan int, 1)
	go func() {
		n := 0
		defer func() { sent <- n }()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		for ; n < len(body)-1; n++ {
			if _, err := conn.Write([]byte{body[n]}); err != nil {
				return
			}
			select {
			case <-stop:
				return
			case <-tick.C:
			}
		}
	}()
	_ = conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	// The server answers 400 and closes; the answer may be lost to a
	// reset, as the client's next byte arrives on a closed socket.
	reply, err := io.ReadAll(conn)
	close(stop)
	n := <-sent
	if errors.Is(err, os.ErrDeadlineExceeded) || n == len(body)-1 {
		t.Fatalf("after %d of %d bytes the server still held the connection: %v", n, len(body), err)
	}
	if strings.Contains(string(reply), "Set-Cookie") {
		t.Fatalf("a cut-off login form logged in:\n%s", reply)
	}
	waitLog(t, srv, "unreadable login form")
	if strings.Contains(srv.logs.String(), "msg=login ") {
		t.Fatalf("a cut-off login form logged in:\n%s", lastLines(srv.logs.String(), 20))
	}
}

// TestE2ELongPathsLeaveLittleLog: one unauthenticated request adds less
// than 1 KB to the log whatever its path: 1 MB and 60 KB paths are refused
// before they are logged, and a 4 KB one is logged cut.
func TestE2ELongPathsLeaveLittleLog(t *testing.T) {
	srv := startServer(t)
	u, err := url.Parse(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		fill byte
		path string
	}{
		{'A', "/live/main/" + strings.Repeat("A", 1<<20)},
		{'B', "/" + strings.Repeat("B", 60<<10)},
		{'C', "/live/" + strings.Repeat("C", 4000) + "/index.m3u8"},
		{'D', "/" + strings.Repeat("D", 4000)},
	}
	for _, c := range cases {
		if code := limitsRawGet(t, u.Host, c.path); code < 400 {
			t.Fatalf("GET of a %d-byte path: %d, want a refusal", len(c.path), code)
		}
	}
	// The access log line of the last one says all were handled.
	waitLog(t, srv, "DDDDDDDDDDDDDDDD")
	logs := srv.logs.String()
	for _, c := range cases {
		size := 0
		for line := range strings.Lines(logs) {
			if strings.Contains(line, strings.Repeat(string(c.fill), 16)) {
				size += len(line)
			}
		}
		if size >= 1024 {
			t.Errorf("a %d-byte path left %d bytes of log, want under 1 KB", len(c.path), size)
		}
	}
}

// limitsRawGet sends a GET for path over a new connection and returns the
// status, however early the server answers and hangs up.
func limitsRawGet(t *testing.T, host, path string) int {
	t.Helper()
	conn, err := net.DialTimeout("tcp", host, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	go func() {
		// The server may answer and close before it has read it all.
		_, _ = fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\nConnection: close\r\n\r\n", path, host)
	}()
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("GET of a %d-byte path: %v", len(path), err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// TestE2EHSTS: a certificate given as files gets Strict-Transport-Security;
// --tls self-signed does not, since pinning it would lock viewers out.
func TestE2EHSTS(t *testing.T) {
	dir := t.TempDir()
	if _, err := httpapi.LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, httpapi.SelfSignedCertFile), filepath.Join(dir, httpapi.SelfSignedKeyFile)
	for _, c := range []struct {
		name string
		args []string
		want string
	}{
		{"certificate files", []string{"--tls-cert", certFile, "--tls-key", keyFile}, "max-age=31536000"},
		{"self-signed", []string{"--tls", "self-signed"}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			srv := startServer(t, c.args...)
			certDir := dir
			if c.want == "" {
				certDir = srv.DataDir
			}
			pemBytes, err := os.ReadFile(filepath.Join(certDir, httpapi.SelfSignedCertFile))
			if err != nil {
				t.Fatal(err)
			}
			roots := x509.NewCertPool()
			if !roots.AppendCertsFromPEM(pemBytes) {
				t.Fatal("the certificate file holds no certificate")
			}
			client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
				TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true,
			}}
			resp, err := client.Get(srv.URL + "/login")
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if got := resp.Header.Get("Strict-Transport-Security"); got != c.want {
				t.Fatalf("Strict-Transport-Security %q, want %q", got, c.want)
			}
		})
	}
}
