package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"maps"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"
)

// capacityOptions are the flags of the capacity phase: how many viewers
// one core of llcast serves, with the load generator on another core.
type capacityOptions struct {
	skip     *bool
	viewers  *string
	duration *time.Duration
	warmup   *time.Duration
}

func addCapacityFlags(fs *flag.FlagSet) *capacityOptions {
	return &capacityOptions{
		skip:     fs.Bool("skip-capacity", false, "skip the capacity phase"),
		viewers:  fs.String("capacity-viewers", "100,200,400,800", "viewer `counts` of the capacity phase"),
		duration: fs.Duration("capacity-duration", 20*time.Second, "how long each viewer count is measured, after its warm-up"),
		warmup:   fs.Duration("capacity-warmup", 5*time.Second, "how long each viewer count joins and settles before it is measured"),
	}
}

// run measures each viewer count against one fresh server and prints a
// row for each as it comes. It does nothing with -skip-capacity, and
// prints why it skips on a machine that cannot give the server and the
// load a CPU each.
func (o *capacityOptions) run(ctx context.Context, out io.Writer, bin string) (err error) {
	if *o.skip {
		return nil
	}
	counts, err := parseCounts("-capacity-viewers", *o.viewers)
	if err != nil {
		return err
	}
	if *o.duration <= 0 || *o.warmup <= 0 {
		return errors.New("-capacity-duration and -capacity-warmup must be positive")
	}
	// The server and the load each get a CPU of their own, or the figures
	// would be those of the two fighting over one.
	cpus, err := allowedCPUs()
	if err != nil || len(cpus) < 2 {
		why := fmt.Sprintf("this process may run on %d CPU(s), and the server and its viewers need one each", len(cpus))
		if err != nil {
			why = err.Error()
		}
		fmt.Fprintf(out, "\ncapacity: skipped: %s\n", why)
		return nil
	}
	serverCPU, loadCPU := cpus[0], cpus[1]
	taskset, err := exec.LookPath("taskset")
	if err != nil {
		return fmt.Errorf("taskset is missing (Debian: sudo apt-get install util-linux), or pass -skip-capacity: %w", err)
	}
	srv, session, err := startLoggedIn(ctx, bin, taskset, "-c", strconv.Itoa(serverCPU))
	if err != nil {
		return err
	}
	defer srv.stop()
	restore, err := pinProcess(loadCPU)
	if err != nil {
		return err
	}
	defer func() {
		if rerr := restore(); rerr != nil {
			err = errors.Join(err, fmt.Errorf("restoring the CPU affinity: %w", rerr))
		}
	}()

	o.printHeader(out, serverCPU, loadCPU)
	var examples []string
	defer func() {
		// The reason a viewer restarted, one per count, below the table.
		for _, e := range examples {
			fmt.Fprintln(out, e)
		}
	}()
	for _, n := range counts {
		step, err := measureCapacity(ctx, srv, session, n, *o.warmup, *o.duration)
		if err != nil {
			return fmt.Errorf("%d viewers: %w\nserver log (end):\n%s", n, err, srv.logTail())
		}
		step.printRow(out)
		if step.lastError != "" {
			examples = append(examples, fmt.Sprintf("  a restart at %d viewers: %s", n, step.lastError))
		}
	}
	return nil
}

func (o *capacityOptions) printHeader(w io.Writer, serverCPU, loadCPU int) {
	fmt.Fprintf(w, "\ncapacity: llcast alone on CPU %d, its viewers (this process) alone on CPU %d; each count joins during a %v warm-up, left out, then is measured for %v\n",
		serverCPU, loadCPU, *o.warmup, *o.duration)
	fmt.Fprintln(w, "  each viewer follows video and audio with blocking reloads and fetches every part, as hls.js does at the live edge")
	fmt.Fprintln(w, "  delay: a part in a viewer's hands minus the end of its media (PROGRAM-DATE-TIME); req/s: playlists and parts answered")
	fmt.Fprintln(w, "  errors: failed answers and unanswered requests; behind: viewers that restarted after an error (restart), missed segments that")
	fmt.Fprintln(w, "  left the playlist (skip), got a part later than PART-HOLD-BACK after its media ended (late) or got no part at all (none)")
	fmt.Fprintln(w, "  CPU: % of one core; viewers' CPU near 100 % means the load generator, not llcast, was the limit")
	fmt.Fprintf(w, "  %7s %9s %9s %8s %7s %7s %23s %10s %21s %12s  %s\n", "viewers", "delay p50", "delay p99", "req/s",
		"errors", "behind", "restart/skip/late/none", "server CPU", "server RSS (peak)", "viewers' CPU", "errors by kind")
}

func (s *capacityStep) printRow(w io.Writer) {
	secs := s.window.Seconds()
	p50, p99 := "n/a", "n/a"
	if d := s.total.PartDelays; len(d) > 0 {
		slices.Sort(d)
		p50, p99 = fmt.Sprintf("%.0f ms", percentile(d, 50)), fmt.Sprintf("%.0f ms", percentile(d, 99))
	}
	t := s.total
	fmt.Fprintf(w, "  %7d %9s %9s %8.0f %7d %7d %23s %8.1f %% %21s %10.1f %%  %s\n", s.viewers, p50, p99,
		float64(t.Playlists+t.Parts+t.Segments)/secs, t.Failures+t.Unanswered, s.behind,
		fmt.Sprintf("%d/%d/%d/%d", s.restarted, s.skipped, s.late, s.starved),
		100*s.serverCPU.Seconds()/secs,
		fmt.Sprintf("%.0f MiB (%.0f MiB)", float64(s.rssKB)/1024, float64(s.hwmKB)/1024),
		100*s.loadCPU.Seconds()/secs, s.errorKinds())
}

// errorKinds is the errors of the window by kind: statuses, bodies cut
// short, requests with no answer.
func (s *capacityStep) errorKinds() string {
	t := s.total
	var kinds []string
	statusErrors := 0
	for _, status := range slices.Sorted(maps.Keys(t.StatusErrors)) {
		kinds = append(kinds, fmt.Sprintf("%d×%d", status, t.StatusErrors[status]))
		statusErrors += t.StatusErrors[status]
	}
	// Failures are the status errors and the bodies cut short, while the
	// window runs (the context is live, so every status error counts).
	if cut := t.Failures - statusErrors; cut > 0 {
		kinds = append(kinds, fmt.Sprintf("cut short×%d", cut))
	}
	if t.Unanswered > 0 {
		kinds = append(kinds, fmt.Sprintf("no answer×%d", t.Unanswered))
	}
	if len(kinds) == 0 {
		return "-"
	}
	return strings.Join(kinds, ", ")
}
