package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"sync"
	"time"

	"github.com/llcast/llcast/cmd/internal/hlsload"
)

// loadResult is one viewer count on one route.
type loadResult struct {
	route          string
	viewers        int
	wall           time.Duration
	origin         map[string]float64 // /metrics differences
	viewerRequests int
	failures       int
	delays         []float64 // part delivery delays, ms
}

// runLoad has n followers watch base for d and reads what reached llcast
// (at origin) meanwhile.
func runLoad(ctx context.Context, origin, base, session string, n int, d time.Duration) (*loadResult, error) {
	before, err := hlsload.ReadMetrics(ctx, origin, session)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	loadCtx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	followers := make([]*hlsload.Follower, n)
	var wg sync.WaitGroup
	for i := range followers {
		f := &hlsload.Follower{Client: sessionClient(base, session), URL: base + "/live/main/index.m3u8"}
		followers[i] = f
		wg.Go(func() { f.KeepRunning(loadCtx) })
	}
	wg.Wait()
	for _, f := range followers {
		f.Client.CloseIdleConnections()
	}
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}
	after, err := hlsload.ReadMetrics(ctx, origin, session)
	if err != nil {
		return nil, err
	}
	res := &loadResult{viewers: n, wall: time.Since(start), origin: map[string]float64{}}
	for k, v := range after {
		res.origin[k] = v - before[k]
	}
	for _, f := range followers {
		st := f.Stats()
		res.viewerRequests += st.Parts + st.Segments + st.Playlists
		res.failures += st.Failures
		res.delays = append(res.delays, st.PartDelays...)
	}
	return res, nil
}

func printLoads(w io.Writer, loads []*loadResult) {
	fmt.Fprintln(w, "  origin: requests that reached llcast (its /metrics); delivery: part in a viewer's hands minus the end of its media")
	fmt.Fprintf(w, "  %-12s %7s %12s %12s %11s %8s %13s %13s %13s %8s\n", "route", "viewers", "origin/part",
		"origin/seg", "blocking/s", "auth/s", "viewer req/s", "delivery p50", "delivery p95", "failures")
	for _, l := range loads {
		secs := l.wall.Seconds()
		per := func(kind string) float64 {
			files := l.origin[fmt.Sprintf("llcast_origin_files_total{kind=%q}", kind)]
			if files == 0 {
				return 0
			}
			return l.origin[fmt.Sprintf("llcast_origin_requests_total{kind=%q}", kind)] / files
		}
		slices.Sort(l.delays)
		p50, p95 := "n/a", "n/a"
		if len(l.delays) > 0 {
			p50, p95 = fmt.Sprintf("%.0f ms", percentile(l.delays, 50)), fmt.Sprintf("%.0f ms", percentile(l.delays, 95))
		}
		fmt.Fprintf(w, "  %-12s %7d %12.2f %12.2f %11.1f %8.1f %13.0f %13s %13s %8d\n", l.route, l.viewers,
			per("part"), per("segment"),
			l.origin[`llcast_origin_requests_total{kind="blocking_playlist"}`]/secs,
			l.origin[`llcast_origin_requests_total{kind="auth"}`]/secs,
			float64(l.viewerRequests)/secs, p50, p95, l.failures)
	}
}
