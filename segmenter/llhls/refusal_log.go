package llhls

import (
	"errors"
	"log/slog"
	"sync"
	"time"
)

// refusalLog warns about refused waiting requests at most once per every,
// with how many were refused since the line before: a client flooding the
// stream with requests costs the log a line every few seconds, not a line
// a request. The first refusal after a quiet spell is logged at once; the
// ones that follow within every are counted, and logged together when
// every has passed.
type refusalLog struct {
	log   *slog.Logger
	every time.Duration

	mu sync.Mutex // guards what follows
	// client and stream count the refusals not logged yet, by cap.
	client, stream int
	last           time.Time   // when the last line was logged
	timer          *time.Timer // logs the count at last+every; nil when none is due
	closed         bool
}

func (l *refusalLog) init(log *slog.Logger, every time.Duration) {
	l.log, l.every = log, every
}

// add counts a refusal for err (errClientWaiting or errStreamWaiting).
func (l *refusalLog) add(err error) {
	l.mu.Lock()
	if errors.Is(err, errClientWaiting) {
		l.client++
	} else {
		l.stream++
	}
	switch wait := time.Until(l.last.Add(l.every)); {
	case l.timer != nil || l.closed:
	case wait <= 0:
		client, stream := l.takeLocked()
		l.mu.Unlock()
		l.write(client, stream)
		return
	default:
		l.timer = time.AfterFunc(wait, l.flush)
	}
	l.mu.Unlock()
}

// flush logs the refusals counted so far, if any.
func (l *refusalLog) flush() {
	l.mu.Lock()
	l.timer = nil
	client, stream := l.takeLocked()
	l.mu.Unlock()
	l.write(client, stream)
}

// close logs what is counted and stops the timer; later refusals are
// not logged.
func (l *refusalLog) close() {
	l.mu.Lock()
	l.closed = true
	if l.timer != nil {
		l.timer.Stop()
		l.timer = nil
	}
	client, stream := l.takeLocked()
	l.mu.Unlock()
	l.write(client, stream)
}

func (l *refusalLog) takeLocked() (client, stream int) {
	client, stream = l.client, l.stream
	l.client, l.stream = 0, 0
	if client+stream > 0 {
		l.last = time.Now()
	}
	return client, stream
}

func (l *refusalLog) write(client, stream int) {
	if client+stream == 0 {
		return
	}
	l.log.Warn("refused requests waiting for media (429): too many at once",
		"refused", client+stream, "over_client_cap", client, "over_stream_cap", stream, "per", l.every)
}
