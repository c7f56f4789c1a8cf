package srt

import (
	"fmt"
	"io"
	"sync/atomic"
	"time"
)

// readGuard ends a publisher's connection that takes longer than its
// timeout to get going or, once live, stays silent for that long: gosrt's
// read deadlines do nothing, and its idle timeout is kept alive by SRT's
// keep-alive packets alone. A read after the guard fired returns an error
// that says so.
type readGuard struct {
	r       io.Reader
	timeout time.Duration
	timer   *time.Timer
	live    atomic.Bool // once set, every read restarts the timer
	expired atomic.Bool
}

// newReadGuard starts the timer; close is what makes a blocked read of r
// return.
func newReadGuard(r io.Reader, timeout time.Duration, close func()) *readGuard {
	g := &readGuard{r: r, timeout: timeout}
	g.timer = time.AfterFunc(timeout, func() {
		g.expired.Store(true)
		close()
	})
	return g
}

// goLive switches from the start-up deadline to the silence timeout.
func (g *readGuard) goLive() {
	g.live.Store(true)
	g.timer.Reset(g.timeout)
}

// stop stops the timer.
func (g *readGuard) stop() { g.timer.Stop() }

// Read implements io.Reader.
func (g *readGuard) Read(p []byte) (int, error) {
	n, err := g.r.Read(p)
	if g.expired.Load() {
		if g.live.Load() {
			return 0, fmt.Errorf("the publisher sent nothing for %s", g.timeout)
		}
		return 0, fmt.Errorf("the publisher's stream did not start within %s", g.timeout)
	}
	if n > 0 && g.live.Load() {
		g.timer.Reset(g.timeout)
	}
	return n, err
}
