package httpapi

import (
	"bytes"
	"strings"
	"sync"
)

// maxLogLine cuts runaway lines: a writer that never ends its line must not
// grow the ring without bound.
const maxLogLine = 8 << 10

// LogLine is one line of the log. Seq counts lines from 1, the first line
// ever written.
type LogLine struct {
	Seq  uint64 `json:"seq"`
	Text string `json:"text"`
}

// LogRing keeps the last lines written to it, for the studio page. It is an
// io.Writer to give the logger's handler next to the terminal; slog's
// TextHandler writes one line per Write, but a Write may carry part of a
// line or several. Safe for concurrent use.
type LogRing struct {
	// Size is how many lines it keeps. It defaults to 100.
	Size int

	mu      sync.Mutex // guards the fields below
	lines   []LogLine  // oldest first
	last    uint64     // Seq of the newest line
	partial []byte     // a line not ended yet
}

// Write keeps each complete line of p; an unfinished one waits for its end.
// Lines longer than 8 KiB are cut. It never fails.
func (l *LogRing) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	n := len(p)
	for {
		i := bytes.IndexByte(p, '\n')
		if i < 0 {
			l.appendPartial(p)
			return n, nil
		}
		l.appendPartial(p[:i])
		l.add(string(l.partial))
		l.partial = l.partial[:0]
		p = p[i+1:]
	}
}

func (l *LogRing) appendPartial(b []byte) {
	room := max(maxLogLine-len(l.partial), 0)
	l.partial = append(l.partial, b[:min(len(b), room)]...)
}

func (l *LogRing) add(text string) {
	text = strings.TrimSuffix(text, "\r")
	if text == "" {
		return
	}
	size := l.Size
	if size <= 0 {
		size = 100
	}
	if len(l.lines) >= size {
		l.lines = append(l.lines[:0], l.lines[len(l.lines)-size+1:]...)
	}
	l.last++
	l.lines = append(l.lines, LogLine{Seq: l.last, Text: text})
}

// Lines returns the kept lines after the one numbered after (all of them
// for 0) and the number to ask after next time. A cursor beyond the newest
// line comes from before a restart and gets all kept lines.
func (l *LogRing) Lines(after uint64) ([]LogLine, uint64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if after > l.last {
		after = 0
	}
	out := []LogLine{}
	for _, line := range l.lines {
		if line.Seq > after {
			out = append(out, line)
		}
	}
	return out, l.last
}
