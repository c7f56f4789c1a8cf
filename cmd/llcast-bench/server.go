package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/llcast/llcast/httpapi/dnstest"
)

// server is `llcast serve --source test` running as a child process with a
// fresh data directory and one user, an admin so that it may switch
// sources.
type server struct {
	URL      string
	password string
	dir      string
	bin      string
	// SRT is the loopback address publishers push to; RTMP is off.
	SRT    string
	cmd    *exec.Cmd
	exited chan struct{} // closed when the process has exited
	log    *lockedBuffer
	// dns answers the server's network probe on loopback.
	dns *dnstest.Responder
}

// startServer starts it; wrap, when given, is the command line that runs
// it, such as taskset -c 0: taskset execs llcast, so the PID (read for CPU
// use) is still llcast's own.
func startServer(ctx context.Context, bin string, wrap ...string) (*server, error) {
	return startServerWith(ctx, bin, nil, wrap...)
}

// startServerWith starts it after setup, when given, has prepared its
// data directory (streams to add or remove).
func startServerWith(ctx context.Context, bin string, setup func(*server) error, wrap ...string) (*server, error) {
	if _, err := exec.LookPath(bin); err != nil {
		return nil, fmt.Errorf("no llcast binary at %s (run make build): %w", bin, err)
	}
	dir, err := os.MkdirTemp("", "llcast-bench-")
	if err != nil {
		return nil, err
	}
	s := &server{password: rand.Text(), dir: dir, bin: bin, exited: make(chan struct{}), log: &lockedBuffer{}}
	add := exec.CommandContext(ctx, bin, "user", "add", "bench", "--role", "admin", "--password-stdin", "--data", dir)
	add.Stdin = strings.NewReader(s.password + "\n")
	if msg, err := add.CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("llcast user add: %w: %s", err, msg)
	}
	// A free port: the kernel picks one, we release it and hand it on.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	s.URL = "http://" + addr
	// The same for SRT, over UDP.
	u, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	s.SRT = u.LocalAddr().String()
	u.Close()
	if setup != nil {
		if err := setup(s); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	// Everything stays on loopback (README "Contracts"): no RTMP, SRT on
	// this port, and the internet check asking a DNS responder of the
	// bench's own, so the studio says online.
	s.dns = &dnstest.Responder{}
	if err := s.dns.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	argv := append(slices.Clone(wrap), bin, "serve", "--source", "test", "--listen", addr, "--data", dir,
		"--rtmp-listen", "", "--srt-listen", s.SRT, "--probe", s.dns.Addr())
	s.cmd = exec.Command(argv[0], argv[1:]...)
	// The bench's viewers share one session, which a real audience does
	// not: the cap on one viewer's waiting requests would refuse them.
	s.cmd.Env = append(os.Environ(), "LLCAST_HLS_MAX_WAITING_PER_CLIENT=100000")
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		s.dns.Close()
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }() // stop waits for it
	if err := s.waitHealthy(ctx, 30*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\nserver log (end):\n%s", err, s.logTail())
	}
	if err := s.checkProbe(ctx, 15*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\nserver log (end):\n%s", err, s.logTail())
	}
	return s, nil
}

// checkProbe waits for the server's first network probe result in its
// log and refuses a probe that asked anything but loopback: what the
// server did, whatever its flags, config or environment said.
func (s *server) checkProbe(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(20 * time.Millisecond)
	defer tick.Stop()
	for {
		addrs := dnstest.ProbedAddresses(s.log.String())
		for _, a := range addrs {
			if err := dnstest.CheckLoopback(a); err != nil {
				return fmt.Errorf("llcast serve's network probe asked %s: %w", a, err)
			}
		}
		if len(addrs) > 0 {
			return nil
		}
		select {
		case <-s.exited:
			return fmt.Errorf("llcast serve exited: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("llcast serve logged no network probe result within %v", limit)
		case <-tick.C:
		}
	}
}

func (s *server) waitHealthy(ctx context.Context, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	tick := time.NewTicker(100 * time.Millisecond)
	defer tick.Stop()
	for {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/healthz", nil)
		if resp, err := http.DefaultClient.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-s.exited:
			return fmt.Errorf("llcast serve exited: %v", s.cmd.ProcessState)
		case <-ctx.Done():
			return fmt.Errorf("llcast serve: /healthz not OK within %v", limit)
		case <-tick.C:
		}
	}
}

// wait waits d, or less when ctx ends or the server exits meanwhile: a
// measurement of a server that died is no measurement.
func (s *server) wait(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.exited:
		return fmt.Errorf("llcast serve exited during the measurement: %v", s.cmd.ProcessState)
	case <-t.C:
		return nil
	}
}

// stop interrupts the server like Ctrl+C, kills it if it has not exited
// after 10 s, and removes its data.
func (s *server) stop() {
	_ = s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		<-s.exited
	}
	s.dns.Close()
	os.RemoveAll(s.dir)
}

func (s *server) logTail() string {
	lines := strings.Split(strings.TrimRight(s.log.String(), "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-30):], "\n")
}

// lockedBuffer is the server's output: exec writes it, we read it.
type lockedBuffer struct {
	mu  sync.Mutex // guards buf
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
