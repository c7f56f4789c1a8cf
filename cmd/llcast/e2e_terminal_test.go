package main

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/ingest"
)

// llcastCommand runs llcast's main from the test binary (see TestMain).
func llcastCommand(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	if err := checkServeProbe(args, os.Environ()); err != nil {
		t.Fatalf("llcastCommand: %v", err)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), execMainEnv+"=1")
	return cmd
}

// ptyOutput collects what llcast writes to its terminal.
type ptyOutput struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (o *ptyOutput) Write(p []byte) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.Write(p)
}

func (o *ptyOutput) String() string {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.buf.String()
}

func (o *ptyOutput) waitFor(t *testing.T, what string, limit time.Duration) {
	t.Helper()
	deadline := time.Now().Add(limit)
	for !strings.Contains(o.String(), what) {
		if time.Now().After(deadline) {
			t.Fatalf("%q did not appear within %v; the terminal shows:\n%s", what, limit, o)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestE2ETerminalStatusLineAndQuit runs llcast under a pseudo-terminal: it
// shows the live status line, and q stops it cleanly, leaving the terminal
// as it found it.
func TestE2ETerminalStatusLineAndQuit(t *testing.T) {
	dir := t.TempDir()
	cmd := llcastCommand(t, "serve", "--listen", "127.0.0.1:0", "--data", dir, "--source", "test",
		"--probe", closedPort(t))
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 30, Cols: 200}); err != nil {
		t.Fatal(err)
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	out := &ptyOutput{}
	go func() { _, _ = io.Copy(out, ptmx) }()
	waited := make(chan error, 1)
	go func() { waited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	out.waitFor(t, "Press q or Ctrl+C to stop.", 30*time.Second)
	out.waitFor(t, "● LIVE  test pattern + test tone", 10*time.Second)
	out.waitFor(t, "net offline", 10*time.Second)
	if strings.Contains(out.String(), "Enter for the default") {
		t.Fatal("asked for devices with --source test")
	}

	during, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if during.Lflag&(unix.ICANON|unix.ECHO) != 0 || during.Lflag&unix.ISIG == 0 {
		t.Errorf("while running the terminal has lflag %#x: want no line buffering and no echo, but signals", during.Lflag)
	}
	if _, err := ptmx.Write([]byte("q")); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err != nil {
			t.Fatalf("llcast exited with %v after q; terminal:\n%s", err, out)
		}
	case <-time.After(15 * time.Second):
		t.Fatalf("llcast did not stop within 15 s of q; terminal:\n%s", out)
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if after.Lflag != before.Lflag {
		t.Errorf("terminal lflag %#x after llcast stopped, want it restored to %#x", after.Lflag, before.Lflag)
	}
	out.waitFor(t, "stream is offline", 5*time.Second)
	for _, want := range []string{"q pressed", "stream is offline"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, out)
		}
	}
}

// TestE2ESecondCtrlCExitsAtOnce sends two interrupts while a client keeps
// a request open, which holds the graceful stop for the whole shutdown
// deadline: the second interrupt ends the process at once with status 130.
func TestE2ESecondCtrlCExitsAtOnce(t *testing.T) {
	cmd := llcastCommand(t, "serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--source", "test",
		"--probe", closedPort(t))
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr ptyOutput
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	var addr string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() && !strings.Contains(sc.Text(), "Press q or Ctrl+C") {
		if line := strings.TrimSpace(sc.Text()); strings.HasPrefix(line, "http://") && addr == "" {
			addr = strings.TrimSuffix(strings.TrimPrefix(line, "http://"), "/")
		}
	}
	go func() { _, _ = io.Copy(io.Discard, stdout) }()
	// Half a request: the server counts the connection as busy and waits
	// for it until its shutdown deadline.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("GET /healthz HTTP/1.1\r\n")); err != nil {
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond) // let the server read the first bytes
	_ = cmd.Process.Signal(syscall.SIGINT)
	stderr.waitFor(t, "Ctrl+C again to quit at once", 10*time.Second)
	second := time.Now()
	_ = cmd.Process.Signal(syscall.SIGINT)
	err = cmd.Wait()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 130 {
		t.Fatalf("after two Ctrl+C: %v, want exit status 130; stderr:\n%s", err, &stderr)
	}
	t.Logf("exited %v after the second Ctrl+C", time.Since(second).Round(time.Millisecond))
}

// TestDevicePromptOnATerminal asks through a pseudo-terminal when there are
// several devices, and never without one.
func TestDevicePromptOnATerminal(t *testing.T) {
	devices := []ingest.Device{
		{Kind: ingest.KindCamera, Name: "Front Cam"},
		{Kind: ingest.KindCamera, Name: "Desk Cam"},
		{Kind: ingest.KindMicrophone, Name: "USB Mic"},
		{Kind: ingest.KindMicrophone, Name: "Headset"},
	}
	cfg := configs.Default()
	log := slog.New(slog.DiscardHandler)

	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	defer ptmx.Close()
	defer tty.Close()
	term := newServeTerminal(tty, io.Discard)
	if !term.interactive() {
		t.Fatal("a pseudo-terminal on stdin is not seen as a terminal")
	}
	screen := &ptyOutput{}
	go func() { _, _ = io.Copy(screen, ptmx) }()
	answers := make(chan ingest.Selection, 1)
	go func() {
		sel, err := chooseSelection(cfg, devices, term, tty, log)
		if err != nil {
			t.Error(err)
		}
		answers <- sel
	}()
	screen.waitFor(t, "Desk Cam", 5*time.Second)
	_, _ = ptmx.Write([]byte("2\n"))
	screen.waitFor(t, "Headset", 5*time.Second)
	_, _ = ptmx.Write([]byte("s\n"))
	select {
	case sel := <-answers:
		want := ingest.Selection{
			Video: ingest.Choice{Kind: ingest.InputDevice, Name: "Desk Cam"},
			Audio: ingest.Choice{Kind: ingest.InputNone},
		}
		if sel != want {
			t.Fatalf("chose %+v, want %+v", sel, want)
		}
	case <-time.After(5 * time.Second):
		t.Fatalf("no answer; the terminal shows:\n%s", screen)
	}

	// Not a terminal (a pipe, as under a service manager or in CI): no
	// question, the first devices are taken.
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	defer w.Close()
	var printed bytes.Buffer
	term = newServeTerminal(r, io.Discard)
	sel, err := chooseSelection(cfg, devices, term, &printed, log)
	if err != nil {
		t.Fatal(err)
	}
	if printed.Len() > 0 || term.interactive() {
		t.Fatalf("asked without a terminal: %q", printed.String())
	}
	if sel.Video.Name != "Front Cam" || sel.Audio.Name != "USB Mic" {
		t.Fatalf("without a terminal chose %+v, want the first devices", sel)
	}
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}
