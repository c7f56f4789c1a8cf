package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

// clearLine moves to the start of the line and erases it.
const clearLine = "\r\x1b[2K"

// statusLine owns the last line of a terminal: log lines written through it
// scroll above a status line that stays at the bottom. On anything but a
// terminal it passes log lines through and shows no status.
// It is safe for concurrent use.
type statusLine struct {
	// Out is where logs and the status line go.
	Out io.Writer
	// Terminal says whether Out is a terminal; only then is the status shown.
	Terminal bool
	// Width returns the terminal's width in columns. It defaults to the size
	// of Out when Out is an *os.File, else 100.
	Width func() int

	mu     sync.Mutex // guards the fields below and every write to Out
	text   string     // the status, as last Set
	shown  bool       // the status is on the screen
	closed bool
}

// newStatusLine returns a statusLine on f that shows the status when f is a
// terminal.
func newStatusLine(f *os.File) *statusLine {
	return &statusLine{Out: f, Terminal: isTerminal(f)}
}

// Write writes log lines above the status line.
func (s *statusLine) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.Terminal || (!s.shown && s.text == "") || s.closed {
		return s.Out.Write(p)
	}
	var b bytes.Buffer
	if s.shown {
		b.WriteString(clearLine)
	}
	b.Write(p)
	if len(p) > 0 && p[len(p)-1] != '\n' {
		// The status must not share a line with the log.
		b.WriteByte('\n')
	}
	line := s.fit(s.text)
	b.WriteString(line)
	s.shown = line != ""
	if _, err := s.Out.Write(b.Bytes()); err != nil {
		return 0, err
	}
	return len(p), nil
}

// Set replaces the status line.
func (s *statusLine) Set(text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return
	}
	s.text = text
	if !s.Terminal {
		return
	}
	line := s.fit(text)
	if !s.shown && line == "" {
		return
	}
	_, _ = io.WriteString(s.Out, clearLine+line)
	s.shown = line != ""
}

// Close clears the status line; later log lines pass straight through.
func (s *statusLine) Close() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.shown {
		_, _ = io.WriteString(s.Out, clearLine)
	}
	s.shown = false
	s.closed = true
}

// fit cuts text to one column less than the terminal is wide: writing the
// last column makes some terminals wrap, and the next clear would then
// erase only the wrapped part.
func (s *statusLine) fit(text string) string {
	w := s.width() - 1
	n := 0
	for i := range text {
		if n == w {
			return text[:i]
		}
		n++
	}
	return text
}

func (s *statusLine) width() int {
	if s.Width != nil {
		if w := s.Width(); w > 0 {
			return w
		}
		return 100
	}
	if f, ok := s.Out.(*os.File); ok {
		if w, _, err := term.GetSize(int(f.Fd())); err == nil && w > 0 {
			return w
		}
	}
	return 100
}

// formatStatus renders the terminal's status line, e.g.
// "● LIVE  test pattern + test tone  30/30 fps  v 480 kb/s  a 128 kb/s  2 viewers  0 dropped  net ok  up 00:12:03".
// network is "ok", "offline" or "?".
func formatStatus(st segmenter.BroadcastStatus, viewers int, network string, now time.Time) string {
	inputs := inputName(st, true) + " + " + inputName(st, false)
	if !st.Live {
		return fmt.Sprintf("○ OFFLINE  %s  %s  net %s", inputs, plural(viewers, "viewer"), network)
	}
	h := st.Health
	return fmt.Sprintf("● LIVE  %s  %.0f/%.0f fps  v %.0f kb/s  a %.0f kb/s  %s  %d dropped  net %s  up %s",
		inputs, h.FPSIn, h.FPSOut, h.VideoKbps, h.AudioKbps, plural(viewers, "viewer"),
		h.Dropped, network, uptime(st.Since, now))
}

// formatStatusPlain renders the status as key=value pairs for a log that
// is not a terminal.
func formatStatusPlain(st segmenter.BroadcastStatus, viewers int, network string, now time.Time) string {
	pairs := []string{
		"live=" + strconv.FormatBool(st.Live),
		"stream=" + logValue(st.Stream),
		"video=" + logValue(inputName(st, true)),
		"audio=" + logValue(inputName(st, false)),
	}
	if st.Live {
		h := st.Health
		pairs = append(pairs,
			fmt.Sprintf("fps_in=%.0f fps_out=%.0f video_kbps=%.0f audio_kbps=%.0f dropped=%d",
				h.FPSIn, h.FPSOut, h.VideoKbps, h.AudioKbps, h.Dropped),
			"uptime="+uptime(st.Since, now))
	}
	pairs = append(pairs, "viewers="+strconv.Itoa(viewers), "net="+logValue(network))
	return strings.Join(pairs, " ")
}

// inputName says what feeds the video (or the audio): what is on air while
// live, what is selected while offline.
func inputName(st segmenter.BroadcastStatus, video bool) string {
	in, choice, device, test := st.Audio, st.Selection.Audio, "mic", "test tone"
	if video {
		in, choice, device, test = st.Video, st.Selection.Video, "camera", "test pattern"
	}
	if !st.Live {
		in = ingest.InputStatus{Kind: choice.Kind, Name: choice.Name, State: ingest.StateOK}
	}
	switch {
	case in.State == ingest.StateLost:
		return device + " LOST"
	case in.State == ingest.StateOff || in.Kind == ingest.InputNone || in.Kind == "":
		if video {
			return "no video"
		}
		return "no audio"
	case in.Name != "":
		return in.Name
	case in.Kind == ingest.InputTest:
		return test
	}
	return device
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// uptime is hh:mm:ss since t (hours grow past 99 if they must).
func uptime(since, now time.Time) string {
	d := time.Duration(0)
	if !since.IsZero() && now.After(since) {
		d = now.Sub(since)
	}
	s := int64(d / time.Second)
	return fmt.Sprintf("%02d:%02d:%02d", s/3600, s/60%60, s%60)
}

// logValue quotes v when a key=value reader would otherwise split it.
func logValue(v string) string {
	if v == "" || strings.ContainsAny(v, " =\"\t\n\\") {
		return strconv.Quote(v)
	}
	return v
}
