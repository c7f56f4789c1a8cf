package main

import (
	"context"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"
)

// plainStatusEvery is how often the status goes to a log that is not a
// terminal.
const plainStatusEvery = 10 * time.Second

// serveTerminal is serve's face on the terminal: the device prompt, a
// status line refreshed every second and the q key when stdin and stderr
// are terminals; plain log lines (and a status line every 10 s) when they
// are not, as under a service manager or in CI.
type serveTerminal struct {
	in   *os.File // stdin when it is a terminal, else nil
	line *statusLine

	keys   *keyReader
	cancel context.CancelFunc
	wg     sync.WaitGroup
}

func newServeTerminal(stdin io.Reader, stderr io.Writer) *serveTerminal {
	t := &serveTerminal{line: &statusLine{Out: stderr}}
	if f := stdinFile(stdin); f != nil && isTerminal(f) {
		t.in = f
	}
	if f, ok := stderr.(*os.File); ok {
		t.line = newStatusLine(f)
	}
	return t
}

// interactive reports whether someone can answer questions.
func (t *serveTerminal) interactive() bool { return t.in != nil }

// logOut is where log lines go: above the status line.
func (t *serveTerminal) logOut() io.Writer { return t.line }

// run starts the status updates and, on a terminal, the q key, which calls
// quit.
func (t *serveTerminal) run(ctx context.Context, quit func(), status, plain func() string, log *slog.Logger) {
	if t.in != nil {
		t.keys = &keyReader{In: t.in, OnKey: func(b byte) {
			if b == 'q' || b == 'Q' {
				log.Info("q pressed")
				quit()
			}
		}}
		if err := t.keys.Start(); err != nil {
			log.Warn("q will not stop llcast; use Ctrl+C", "error", err)
			t.keys = nil
		}
	}
	ctx, t.cancel = context.WithCancel(ctx)
	t.wg.Go(func() {
		every := time.Second
		if !t.line.Terminal {
			every = plainStatusEvery
		}
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if t.line.Terminal {
					t.line.Set(status())
				} else {
					log.Info("status " + plain())
				}
			}
		}
	})
}

// close stops the updates, clears the status line and gives the terminal
// back as it was.
func (t *serveTerminal) close() {
	if t.cancel != nil {
		t.cancel()
	}
	t.wg.Wait()
	if t.keys != nil {
		t.keys.Close()
	}
	t.line.Close()
}
