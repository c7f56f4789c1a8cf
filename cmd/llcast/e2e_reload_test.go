package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
)

// TestE2ESIGHUPReloadsTheLogLevel runs llcast as a process with a config
// file and sends it SIGHUP: a new log.level applies at once (asset
// requests, logged at debug, start to show), a changed setting that needs
// a restart is named, and a broken file changes nothing.
func TestE2ESIGHUPReloadsTheLogLevel(t *testing.T) {
	conf := filepath.Join(t.TempDir(), "llcast.yml")
	write := func(text string) {
		t.Helper()
		if err := os.WriteFile(conf, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	write("log:\n  level: info\n")
	cmd := llcastCommand(t, "serve", "--config", conf, "--listen", "127.0.0.1:0", "--data", t.TempDir(),
		"--source", "test", "--rtmp-listen", "127.0.0.1:0", "--rtmps-listen", "127.0.0.1:0",
		"--srt-listen", "127.0.0.1:0", "--probe", localListener(t))
	stderr := &ptyOutput{}
	addr, waited := startProcess(t, cmd, stderr)
	hup := func() {
		t.Helper()
		if err := cmd.Process.Signal(syscall.SIGHUP); err != nil {
			t.Fatal(err)
		}
	}
	const assetLine = "path=/assets/logo.svg"

	// The asset and then /login (logged at info) on one connection: the
	// server logs the first before it reads the second, so once the
	// /login line is there, the asset's would be too.
	pipelined(t, addr, "/assets/logo.svg", "/login")
	waitForCount(t, stderr, "path=/login", 1)
	if strings.Contains(stderr.String(), assetLine) {
		t.Fatalf("an asset request logged at log.level info:\n%s", stderr)
	}

	write("log:\n  level: debug\n")
	hup()
	stderr.waitFor(t, `msg="config reloaded" file=`+conf+" log.level=debug was=info", 10*time.Second)
	pipelined(t, addr, "/assets/logo.svg", "/login")
	waitForCount(t, stderr, "path=/login", 2)
	if line := logLine(stderr.String(), assetLine); !strings.Contains(line, "level=DEBUG") {
		t.Fatalf("no debug line for the asset after the reload:\n%s", stderr)
	}

	write("log:\n  level: debug\nhls:\n  part_duration: 200ms\n")
	hup()
	stderr.waitFor(t, `msg="hls.part_duration changed: restart llcast to apply it"`, 10*time.Second)

	write("hls:\n  part_durration: 200ms\n")
	hup()
	stderr.waitFor(t, `msg="config not reloaded; the running settings stay"`, 10*time.Second)
	if line := logLine(stderr.String(), "config not reloaded"); !strings.Contains(line, "hls.part_durration") {
		t.Errorf("the error does not name the key: %s", line)
	}
	// Still running, still at debug.
	pipelined(t, addr, "/assets/logo.svg", "/login")
	waitForCount(t, stderr, "path=/login", 3)
	if n := strings.Count(stderr.String(), assetLine); n != 2 {
		t.Errorf("%d asset lines after a broken reload, want 2 (still at debug)", n)
	}

	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("llcast exited with %v after SIGTERM; stderr:\n%s", err, stderr)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("llcast did not stop within 15 s of SIGTERM; stderr:\n%s", stderr)
	}
}

// TestE2ETerminalHangupStops: when the terminal llcast runs on goes away,
// SIGHUP still stops it (cleanly) instead of reloading.
func TestE2ETerminalHangupStops(t *testing.T) {
	cmd := llcastCommand(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--source", "test",
		"--rtmp-listen", "127.0.0.1:0", "--rtmps-listen", "127.0.0.1:0", "--srt-listen", "127.0.0.1:0",
		"--probe", localListener(t))
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer tty.Close()
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		ptmx.Close()
		t.Fatal(err)
	}
	out := &ptyOutput{}
	copied := make(chan struct{})
	go func() {
		defer close(copied)
		_, _ = io.Copy(out, ptmx)
	}()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	out.waitFor(t, "Press q or Ctrl+C to stop.", 30*time.Second)

	// Closing the terminal's master side hangs it up: the kernel sends
	// SIGHUP to llcast, the session leader.
	ptmx.Close()
	<-copied
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("llcast exited with %v when its terminal hung up; terminal:\n%s", err, out)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("llcast still runs 15 s after its terminal hung up; terminal:\n%s", out)
	}
}

// startProcess starts cmd with its standard error into stderr and waits
// for the URL it prints: the server's HOST:PORT, and where cmd.Wait's
// result will come.
func startProcess(t *testing.T, cmd *exec.Cmd, stderr io.Writer) (string, <-chan error) {
	t.Helper()
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	found := make(chan string, 1)
	waited := make(chan error, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") {
				select {
				case found <- strings.TrimSuffix(strings.TrimPrefix(line, "http://"), "/"):
				default:
				}
			}
		}
		// Wait only once everything printed was read (os/exec says so).
		waited <- cmd.Wait()
	}()
	select {
	case addr := <-found:
		return addr, waited
	case err := <-waited:
		t.Fatalf("llcast exited before printing its URL: %v; stderr:\n%s", err, stderr)
	case <-time.After(30 * time.Second):
		t.Fatalf("llcast printed no URL within 30 s; stderr:\n%s", stderr)
	}
	return "", nil
}

// pipelined GETs paths over one connection, one after the other, and
// reads the answers to the end.
func pipelined(t *testing.T, addr string, paths ...string) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	var reqs strings.Builder
	for i, p := range paths {
		closing := ""
		if i == len(paths)-1 {
			closing = "Connection: close\r\n"
		}
		fmt.Fprintf(&reqs, "GET %s HTTP/1.1\r\nHost: %s\r\n%s\r\n", p, addr, closing)
	}
	if _, err := io.WriteString(conn, reqs.String()); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	for _, p := range paths {
		resp, err := http.ReadResponse(r, nil)
		if err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s: %d", p, resp.StatusCode)
		}
	}
	if _, err := r.ReadByte(); !errors.Is(err, io.EOF) {
		t.Fatalf("more after the answers, or no end: %v", err)
	}
}

// waitForCount waits until out holds what at least n times.
func waitForCount(t *testing.T, out *ptyOutput, what string, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(out.String(), what) < n {
		if time.Now().After(deadline) {
			t.Fatalf("%q did not appear %d times within 10 s:\n%s", what, n, out)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
