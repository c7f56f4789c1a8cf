package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/llcast/llcast/ingest/uplink"
	"github.com/llcast/llcast/segmenter"
)

// formatPushStatus renders the status line of a push, e.g.
// "● SENDING  test pattern + test tone  30 fps  v 2410 kb/s  a 128 kb/s  rtt 12 ms  0 lost  0 dropped  up 00:01:02".
func formatPushStatus(st segmenter.BroadcastStatus, up uplink.Status, now time.Time) string {
	inputs := inputName(st, true) + " + " + inputName(st, false)
	switch {
	case !st.Live:
		return fmt.Sprintf("○ STOPPED  %s", inputs)
	case !up.Connected:
		return fmt.Sprintf("◌ RECONNECTING  %s  %s  %d dropped  %s", inputs, attempts(up), up.Dropped, shorten(up.LastError, 60))
	}
	h := st.Health
	return fmt.Sprintf("● SENDING  %s  %.0f fps  v %.0f kb/s  a %.0f kb/s  rtt %s  %d lost  %d dropped  up %s",
		inputs, h.FPSOut, h.VideoKbps, h.AudioKbps, rtt(up.Link.RTT), up.Link.Lost, up.Dropped, uptime(up.Since, now))
}

// formatPushStatusPlain renders it as key=value pairs for a log.
func formatPushStatusPlain(st segmenter.BroadcastStatus, up uplink.Status, now time.Time) string {
	pairs := []string{
		"live=" + strconv.FormatBool(st.Live),
		"connected=" + strconv.FormatBool(up.Connected),
		"stream=" + logValue(st.Stream),
		"video=" + logValue(inputName(st, true)),
		"audio=" + logValue(inputName(st, false)),
	}
	if up.Connected {
		h := st.Health
		pairs = append(pairs, fmt.Sprintf("fps=%.0f video_kbps=%.0f audio_kbps=%.0f rtt_ms=%d lost=%d",
			h.FPSOut, h.VideoKbps, h.AudioKbps, up.Link.RTT.Milliseconds(), up.Link.Lost),
			"uptime="+uptime(up.Since, now))
	} else if st.Live {
		pairs = append(pairs, "attempts="+strconv.Itoa(up.Attempts), "error="+logValue(up.LastError))
	}
	pairs = append(pairs, "dropped="+strconv.FormatUint(up.Dropped, 10))
	return strings.Join(pairs, " ")
}

func attempts(up uplink.Status) string {
	if up.Attempts == 0 {
		return "connecting"
	}
	return plural(up.Attempts, "attempt")
}

// rtt is the round trip in ms, or "-" when the protocol does not say (RTMP).
func rtt(d time.Duration) string {
	if d <= 0 {
		return "-"
	}
	return strconv.FormatInt(max(1, d.Milliseconds()), 10) + " ms"
}

func shorten(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}
