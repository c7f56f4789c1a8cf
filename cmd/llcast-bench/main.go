// Command llcast-bench measures a built llcast binary and prints the figures;
// it asserts nothing (`make bench` runs it). It exits non-zero only when it
// could not measure.
//
// Latency: it starts `llcast serve --source test` on a free loopback port,
// logs in with headless Chromium, opens the watch page and, every 100 ms for
// -duration, draws the video on a canvas and decodes the test source's
// timestamp strip (DESIGN.md): the capture time, in Unix ms, of the frame on
// screen. Date.now() minus that time is glass-to-glass latency minus the
// display: capture, encode, segmenting, HTTP, hls.js's hold-back, decode.
// Both clocks are this machine's. For comparison it prints hls.js's own
// estimate (hls.latency, distance to the live edge of the playlist) and the
// watch page's (llcast.latency, from EXT-X-PROGRAM-DATE-TIME).
//
// Source switch: in the same page afterwards (the bench user is an admin),
// it switches the video to "none" with a same-origin POST to
// /api/studio/select, so the pipeline encodes a slate and the strip
// disappears, then back to "test", -switches times. Each switch is timed
// from the POST's response to the first frame on screen (read on every
// frame presented) that shows the new source: the switch as a viewer sees
// it, latency included. Stalls, player errors and restarts during the
// switches are counted; there should be none.
//
// Behind nginx (proxy.go; -skip-proxy): llcast behind Debian's nginx with
// configs/nginx/llcast.conf, blocking playlist requests passed through and
// collapsed, against llcast directly: what reaches llcast per part and per
// segment with 1, 10 and 50 viewers, each part's delivery delay, and the
// latency of the watch page.
//
// CPU and memory: it starts a fresh server with no viewers and reads
// /proc/PID/stat (utime+stime) and /proc/PID/status (VmHWM) at the start
// and the end of -cpu-duration: CPU as a percentage of one core, and the
// peak resident set size.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if errors.Is(err, flag.ErrHelp) {
		return
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "llcast-bench:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("llcast-bench", flag.ContinueOnError)
	bin := fs.String("bin", "bin/llcast", "the llcast `binary` to measure (make build)")
	duration := fs.Duration("duration", 30*time.Second, "how long to sample latency")
	cpuDuration := fs.Duration("cpu-duration", 60*time.Second, "how long to measure CPU and memory with no viewers")
	skipCPU := fs.Bool("skip-cpu", false, "skip the CPU and memory phase")
	switches := fs.Int("switches", 5, "how many times to switch the video to none and back")
	skipSwitch := fs.Bool("skip-switch", false, "skip the source switch phase")
	proxy := addProxyFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *cpuDuration <= 0 || *switches <= 0 {
		return errors.New("-duration, -cpu-duration and -switches must be positive")
	}
	if *skipSwitch {
		*switches = 0
	}

	chromium, err := chromiumPath()
	if err != nil {
		return err
	}
	srv, err := startServer(ctx, *bin)
	if err != nil {
		return err
	}
	lat, sw, err := measurePlayback(ctx, chromium, srv, *duration, *switches)
	srv.stop()
	if lat != nil {
		lat.print(out)
	}
	if err != nil {
		return fmt.Errorf("%w\nserver log (end):\n%s", err, srv.logTail())
	}
	if sw != nil {
		sw.print(out, lat.median())
	}

	if err := proxy.run(ctx, out, chromium, *bin, *duration); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}

	if *skipCPU {
		return nil
	}
	if srv, err = startServer(ctx, *bin); err != nil {
		return err
	}
	use, err := measureCPU(ctx, srv, *cpuDuration)
	srv.stop()
	if err != nil {
		return fmt.Errorf("cpu: %w\nserver log (end):\n%s", err, srv.logTail())
	}
	use.print(out)
	return nil
}

// measurePlayback opens the watch page of srv, measures latency for d and
// then, unless switches is 0, source switches. A latency result comes back
// even when the switches fail.
func measurePlayback(ctx context.Context, chromium string, srv *server, d time.Duration, switches int) (*latencyResult, *switchResult, error) {
	tab, closeTab, err := openWatchPage(ctx, chromium, srv.URL, srv.password)
	if err != nil {
		return nil, nil, fmt.Errorf("latency: %w", err)
	}
	defer closeTab()
	lat, err := measureLatency(tab, d)
	if err != nil {
		return nil, nil, fmt.Errorf("latency: %w", err)
	}
	if switches == 0 {
		return lat, nil, nil
	}
	sw, err := measureSwitches(tab, switches)
	if err != nil {
		return lat, nil, fmt.Errorf("source switch: %w", err)
	}
	return lat, sw, nil
}

// server is `llcast serve --source test` running as a child process with a
// fresh data directory and one user, an admin so that it may switch
// sources.
type server struct {
	URL      string
	password string
	dir      string
	cmd      *exec.Cmd
	exited   chan struct{} // closed when the process has exited
	log      *lockedBuffer
}

func startServer(ctx context.Context, bin string) (*server, error) {
	if _, err := exec.LookPath(bin); err != nil {
		return nil, fmt.Errorf("no llcast binary at %s (run make build): %w", bin, err)
	}
	dir, err := os.MkdirTemp("", "llcast-bench-")
	if err != nil {
		return nil, err
	}
	s := &server{password: rand.Text(), dir: dir, exited: make(chan struct{}), log: &lockedBuffer{}}
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
	s.cmd = exec.Command(bin, "serve", "--source", "test", "--listen", addr, "--data", dir)
	s.cmd.Stdout, s.cmd.Stderr = s.log, s.log
	if err := s.cmd.Start(); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	go func() { _ = s.cmd.Wait(); close(s.exited) }() // stop waits for it
	if err := s.waitHealthy(ctx, 30*time.Second); err != nil {
		s.stop()
		return nil, fmt.Errorf("%w\nserver log (end):\n%s", err, s.logTail())
	}
	return s, nil
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
