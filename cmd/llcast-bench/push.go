package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strings"
	"time"
)

// pushOptions are the flags of the pushed-stream phases.
type pushOptions struct {
	skip     *bool
	streams  *int
	duration *time.Duration
	latency  *time.Duration
}

func addPushFlags(fs *flag.FlagSet) *pushOptions {
	return &pushOptions{
		skip:     fs.Bool("skip-push", false, "skip the pushed-stream phases"),
		streams:  fs.Int("push-streams", 4, "how many streams llcast push sends for the cost phase"),
		duration: fs.Duration("push-cpu-duration", 60*time.Second, "how long to measure the server with pushed streams"),
		latency:  fs.Duration("push-latency-duration", 60*time.Second, "how long to sample the latency of the local and the pushed stream, each"),
	}
}

// pusher is `llcast push --source test` sending one stream over SRT.
type pusher struct {
	cmd    *exec.Cmd
	log    *lockedBuffer
	exited chan struct{}
}

// startPush starts llcast push to srv's stream name with key.
func startPush(bin string, srv *server, name, key string) (*pusher, error) {
	p := &pusher{log: &lockedBuffer{}, exited: make(chan struct{})}
	p.cmd = exec.Command(bin, "push", "--to", "srt://"+srv.SRT, "--stream", name, "--key", key, "--source", "test")
	p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
	if err := p.cmd.Start(); err != nil {
		return nil, err
	}
	go func() { _ = p.cmd.Wait(); close(p.exited) }()
	return p, nil
}

// stop interrupts it like Ctrl+C and waits, killing it after 10 s.
func (p *pusher) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	select {
	case <-p.exited:
	case <-time.After(10 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.exited
	}
}

// addPushStreams makes n push streams named push1… in s's data directory
// and returns their keys; without keepMain the local capture's stream
// goes, so that only the pushed streams cost.
func addPushStreams(ctx context.Context, s *server, n int, keepMain bool) ([]string, error) {
	if !keepMain {
		if out, err := exec.CommandContext(ctx, s.bin, "stream", "remove", "main", "--data", s.dir).CombinedOutput(); err != nil {
			return nil, fmt.Errorf("llcast stream remove main: %w: %s", err, out)
		}
	}
	keys := make([]string, n)
	for i := range n {
		out, err := exec.CommandContext(ctx, s.bin, "stream", "add", fmt.Sprint("push", i+1), "--json", "--data", s.dir).Output()
		if err != nil {
			return nil, fmt.Errorf("llcast stream add: %w", err)
		}
		var info struct{ Key string }
		if err := json.Unmarshal(out, &info); err != nil || info.Key == "" {
			return nil, fmt.Errorf("llcast stream add --json printed no key: %v: %s", err, out)
		}
		keys[i] = info.Key
	}
	return keys, nil
}

// waitLog waits until the server's log says text n times.
func (s *server) waitLog(ctx context.Context, text string, n int, limit time.Duration) error {
	for deadline := time.Now().Add(limit); strings.Count(s.log.String(), text) < n; {
		if time.Now().After(deadline) {
			return fmt.Errorf("the server log said %q %d times within %v, want %d", text,
				strings.Count(s.log.String(), text), limit, n)
		}
		if err := s.wait(ctx, 100*time.Millisecond); err != nil {
			return err
		}
	}
	return nil
}

// costPhase measures the server with -push-streams streams pushed by llcast
// push (the test source over SRT) and no viewers nor local capture.
func (o *pushOptions) costPhase(ctx context.Context, out io.Writer, bin string) (err error) {
	if *o.skip {
		return nil
	}
	n := *o.streams
	if n < 1 {
		return errors.New("-push-streams must be positive")
	}
	var keys []string
	srv, err := startServerWith(ctx, bin, func(s *server) (err error) {
		keys, err = addPushStreams(ctx, s, n, false)
		return err
	})
	if err != nil {
		return err
	}
	defer srv.stop()
	for i, key := range keys {
		p, err := startPush(bin, srv, fmt.Sprint("push", i+1), key)
		if err != nil {
			return err
		}
		defer p.stop()
	}
	if err := srv.waitLog(ctx, "the stream is live", n, 30*time.Second); err != nil {
		return fmt.Errorf("%w\nserver log (end):\n%s", err, srv.logTail())
	}
	if err := srv.wait(ctx, 5*time.Second); err != nil { // past the start
		return err
	}
	use, err := measureCPU(ctx, srv, *o.duration)
	if err != nil {
		return fmt.Errorf("%w\nserver log (end):\n%s", err, srv.logTail())
	}
	fmt.Fprintf(out, "server with %d pushed streams (llcast push --source test over SRT: H.264 1280x720 30 fps 2.5 Mb/s + AAC),"+
		" no local capture, no viewers, over %v:\n", n, use.wall.Round(time.Second))
	fmt.Fprintf(out, "  CPU %.1f %% of one core; peak RSS %.1f MiB\n",
		100*use.cpu.Seconds()/use.wall.Seconds(), float64(use.hwmEnd)/1024)
	return nil
}

// latencyPhase measures glass to glass of a stream that llcast push sends
// (the test source, over SRT on loopback) to a second llcast, played in
// Chromium, and of that server's own local test source in the same
// conditions, one after the other: the difference is what the push adds.
func (o *pushOptions) latencyPhase(ctx context.Context, out io.Writer, chromium, bin string) error {
	if *o.skip {
		return nil
	}
	var keys []string
	srv, err := startServerWith(ctx, bin, func(s *server) (err error) {
		keys, err = addPushStreams(ctx, s, 1, true)
		return err
	})
	if err != nil {
		return err
	}
	defer srv.stop()
	p, err := startPush(bin, srv, "push1", keys[0])
	if err != nil {
		return err
	}
	defer p.stop()
	if err := srv.waitLog(ctx, "the stream is live", 1, 30*time.Second); err != nil {
		return fmt.Errorf("%w\nserver log (end):\n%s\npush log:\n%s", err, srv.logTail(), p.log)
	}
	results := map[string]*latencyResult{}
	for _, stream := range []string{mainStream, "push1"} {
		tab, closeTab, err := openStreamPage(ctx, chromium, srv.URL, srv.password, stream)
		if err != nil {
			return fmt.Errorf("%s: %w\nserver log (end):\n%s", stream, err, srv.logTail())
		}
		res, err := measureLatency(tab, *o.latency)
		closeTab()
		if err != nil {
			return fmt.Errorf("%s: %w", stream, err)
		}
		results[stream] = res
	}
	fmt.Fprintln(out, "local test source, in the server that takes the push:")
	results[mainStream].print(out)
	fmt.Fprintln(out, "pushed stream (llcast push --source test → SRT on loopback → llcast serve → Chromium):")
	results["push1"].print(out)
	local, pushed := results[mainStream].median(), results["push1"].median()
	fmt.Fprintf(out, "  the push adds %+.0f ms at p50 (%.0f ms against %.0f ms)\n", pushed-local, pushed, local)
	return nil
}
