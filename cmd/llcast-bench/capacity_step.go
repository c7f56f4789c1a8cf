package main

import (
	"context"
	"net"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/llcast/llcast/cmd/internal/hlsload"
)

// capacityStep is one viewer count of the capacity phase: what its
// followers and the server did over the measured window.
type capacityStep struct {
	viewers int
	window  time.Duration
	// total sums the followers' stats; PartDelays holds all of theirs.
	total hlsload.Stats
	// Followers that fell behind, and why (one may have several reasons):
	// it restarted after an error, skipped segments that left the
	// playlist, got a part later than PART-HOLD-BACK, or got no part.
	behind, restarted, skipped, late, starved int
	lastError                                 string // of one that restarted
	serverCPU, loadCPU                        time.Duration
	rssKB, hwmKB                              int64 // the server's, at the end
}

// capacitySnapshot is what the followers and both processes had done at
// one moment; a step is the difference of two.
type capacitySnapshot struct {
	at                 time.Time
	stats              []hlsload.Stats
	serverCPU, loadCPU time.Duration
}

// measureCapacity has n followers watch srv as the bench user (session):
// they join over the first half of warmup, and what they and the server
// do over the d that follows is measured. Every request is bound to a
// context that ends before this returns, and all followers have stopped
// when it does.
func measureCapacity(ctx context.Context, srv *server, session string, n int, warmup, d time.Duration) (*capacityStep, error) {
	// A follower has at most one request in flight per media playlist
	// (video, audio): a blocking reload or a download. Room for 4 means
	// no request waits for a connection, which would pass for the
	// server's delay; idle ones are kept so that none is dialled twice.
	tr := &http.Transport{
		MaxConnsPerHost:     4 * n,
		MaxIdleConnsPerHost: 4 * n,
		IdleConnTimeout:     30 * time.Second,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	defer tr.CloseIdleConnections() // runs last, once all have stopped
	client := sessionClientVia(srv.URL, session, tr)
	followers := make([]*hlsload.Follower, n)
	for i := range followers {
		followers[i] = &hlsload.Follower{Client: client, URL: srv.URL + "/live/main/index.m3u8", PartsOnly: true}
	}

	loadCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() { cancel(); wg.Wait() }()
	// An audience does not arrive in one millisecond, and n dials at once
	// would measure the listen backlog: joins are spread out instead.
	wg.Go(func() {
		gap := warmup / 2 / time.Duration(n)
		for _, f := range followers {
			wg.Go(func() { f.KeepRunning(loadCtx) })
			if sleep(loadCtx, gap) != nil {
				return
			}
		}
	})

	// The warm-up's figures are the joins and the way to the live edge,
	// not a steady audience: they are left out.
	if err := srv.wait(ctx, warmup); err != nil {
		return nil, err
	}
	before, err := snapshotCapacity(srv, followers)
	if err != nil {
		return nil, err
	}
	if err := srv.wait(ctx, d); err != nil {
		return nil, err
	}
	after, err := snapshotCapacity(srv, followers)
	if err != nil {
		return nil, err
	}
	step := after.since(before)
	step.viewers = n
	pid := srv.cmd.Process.Pid
	if step.rssKB, err = procStatusKB(pid, "VmRSS"); err != nil {
		return nil, err
	}
	if step.hwmKB, err = procStatusKB(pid, "VmHWM"); err != nil {
		return nil, err
	}
	return step, nil
}

// snapshotCapacity reads the followers' stats and the CPU time of the
// server and of this process, the load generator.
func snapshotCapacity(srv *server, followers []*hlsload.Follower) (*capacitySnapshot, error) {
	s := &capacitySnapshot{at: time.Now()}
	var err error
	if s.serverCPU, _, err = procUsage(srv.cmd.Process.Pid); err != nil {
		return nil, err
	}
	if s.loadCPU, _, err = procUsage(os.Getpid()); err != nil {
		return nil, err
	}
	for _, f := range followers {
		s.stats = append(s.stats, f.Stats())
	}
	return s, nil
}

// since is the step from before to s.
func (s *capacitySnapshot) since(before *capacitySnapshot) *capacityStep {
	step := &capacityStep{
		window:    s.at.Sub(before.at),
		serverCPU: s.serverCPU - before.serverCPU,
		loadCPU:   s.loadCPU - before.loadCPU,
	}
	for i, st := range s.stats {
		w := st.Since(before.stats[i])
		step.add(w)
		behind := false
		for _, r := range []struct {
			hit   bool
			count *int
		}{
			{w.Restarts > 0, &step.restarted},
			{w.Skipped > 0, &step.skipped},
			{w.LateParts > 0, &step.late},
			{w.Parts == 0, &step.starved},
		} {
			if r.hit {
				*r.count++
				behind = true
			}
		}
		if behind {
			step.behind++
		}
		if w.LastError != "" {
			step.lastError = w.LastError
		}
	}
	return step
}

// add adds one follower's window to the total.
func (s *capacityStep) add(w hlsload.Stats) {
	t := &s.total
	t.Parts += w.Parts
	t.Segments += w.Segments
	t.Playlists += w.Playlists
	t.Failures += w.Failures
	t.Unanswered += w.Unanswered
	t.Restarts += w.Restarts
	t.Skipped += w.Skipped
	t.LateParts += w.LateParts
	t.PartDelays = append(t.PartDelays, w.PartDelays...)
	for status, n := range w.StatusErrors {
		if t.StatusErrors == nil {
			t.StatusErrors = map[int]int{}
		}
		t.StatusErrors[status] += n
	}
}
