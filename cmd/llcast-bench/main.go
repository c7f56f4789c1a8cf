// Command llcast-bench measures a built llcast binary and prints the figures;
// it asserts nothing (`make bench` runs it). It exits non-zero only when it
// could not measure.
//
// Latency: it starts `llcast serve --source test` on a free loopback port,
// logs in with headless Chromium, opens the watch page and, every 100 ms for
// -duration, draws the video on a canvas and decodes the test source's
// timestamp strip (README "How it works"): the capture time, in Unix ms, of the frame on
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
//
// Capacity (capacity.go; -skip-capacity): how many viewers one core of
// llcast serves. A fresh server runs on CPU 0 alone (taskset -c 0) and the
// viewers, this process's followers (hlsload.Follower: the video and audio
// media playlists with blocking reloads, every part and segment), on CPU 1
// alone (sched_setaffinity on each of its threads for the phase), so that
// the load generator does not take the server's CPU; 0 and 1 stand for
// the first two CPUs the bench may use. For each count of
// -capacity-viewers (100,200,400,800), that many followers share one
// session and one HTTP transport, join over the first half of
// -capacity-warmup (5s), whose figures are discarded, and are measured for
// -capacity-duration (20s): each part's delivery delay (p50, p99),
// requests answered per second, errors by kind, viewers that fell behind
// (restarted after a failed request, missed segments that left the
// playlist, or got a part later than PART-HOLD-BACK after its media
// ended), and the server's CPU (% of its core) and RSS, next to the CPU
// the followers used (near 100 % means the load generator, not llcast,
// was the limit). With fewer than 2 CPUs the phase is skipped.
//
// Pushed streams (push.go; -skip-push): glass to glass of a stream that
// `llcast push --source test` sends over SRT on loopback to a second
// server, against that server's own test source measured the same way
// (-push-latency-duration each); then the CPU and peak RSS of a server
// with -push-streams (4) such streams, no local capture and no viewers
// (-push-cpu-duration).
//
// -skip-latency, -skip-switch, -skip-proxy, -skip-cpu, -skip-push and
// -skip-capacity leave a phase out.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
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
	duration := fs.Duration("duration", 2*time.Minute, "how long to sample latency (and count stalls)")
	skipLatency := fs.Bool("skip-latency", false, "skip the latency phase and the source switches, which run in its page")
	cpuDuration := fs.Duration("cpu-duration", 60*time.Second, "how long to measure CPU and memory with no viewers")
	skipCPU := fs.Bool("skip-cpu", false, "skip the CPU and memory phase")
	switches := fs.Int("switches", 5, "how many times to switch the video to none and back")
	skipSwitch := fs.Bool("skip-switch", false, "skip the source switch phase")
	proxy := addProxyFlags(fs)
	capacity := addCapacityFlags(fs)
	push := addPushFlags(fs)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *duration <= 0 || *cpuDuration <= 0 || *switches <= 0 {
		return errors.New("-duration, -cpu-duration and -switches must be positive")
	}
	if *skipSwitch {
		*switches = 0
	}

	// Only the phases with a browser need Chromium; the others run
	// without it.
	var chromium string
	if !*skipLatency || !*proxy.skip || !*push.skip {
		var err error
		if chromium, err = chromiumPath(); err != nil {
			return err
		}
	}
	if !*skipLatency {
		if err := playbackPhase(ctx, out, chromium, *bin, *duration, *switches); err != nil {
			return err
		}
	}
	if err := push.latencyPhase(ctx, out, chromium, *bin); err != nil {
		return fmt.Errorf("pushed stream latency: %w", err)
	}
	if err := proxy.run(ctx, out, chromium, *bin, *duration); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	if !*skipCPU {
		if err := cpuPhase(ctx, out, *bin, *cpuDuration); err != nil {
			return err
		}
	}
	if err := push.costPhase(ctx, out, *bin); err != nil {
		return fmt.Errorf("pushed streams: %w", err)
	}
	if err := capacity.run(ctx, out, *bin); err != nil {
		return fmt.Errorf("capacity: %w", err)
	}
	return nil
}

// playbackPhase measures latency and source switches in the watch page of
// a fresh server and prints them.
func playbackPhase(ctx context.Context, out io.Writer, chromium, bin string, d time.Duration, switches int) error {
	srv, err := startServer(ctx, bin)
	if err != nil {
		return err
	}
	lat, sw, err := measurePlayback(ctx, chromium, srv, d, switches)
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
	return nil
}

// cpuPhase measures what a fresh server with no viewers uses for d and
// prints it.
func cpuPhase(ctx context.Context, out io.Writer, bin string, d time.Duration) error {
	srv, err := startServer(ctx, bin)
	if err != nil {
		return err
	}
	use, err := measureCPU(ctx, srv, d)
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
