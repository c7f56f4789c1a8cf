package main

import (
	"bytes"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/segmenter"
)

func TestStatusLineWrites(t *testing.T) {
	type step struct {
		write string // a log line, or
		set   string // a status (with set=true)
		isSet bool
		close bool
	}
	w := func(s string) step { return step{write: s} }
	set := func(s string) step { return step{set: s, isSet: true} }
	cases := []struct {
		name     string
		terminal bool
		width    int
		steps    []step
		want     string
	}{
		{
			name:  "not a terminal passes logs through and shows no status",
			steps: []step{w("a\n"), set("LIVE"), w("b\n"), {close: true}, w("c\n")},
			want:  "a\nb\nc\n",
		},
		{
			name:     "a log before any status passes through",
			terminal: true,
			steps:    []step{w("a\n"), w("b\n")},
			want:     "a\nb\n",
		},
		{
			name:     "logs scroll above the status",
			terminal: true,
			steps:    []step{w("a\n"), set("S1"), w("b\n"), set("S2"), w("c\nd\n")},
			want:     "a\n" + "\r\x1b[2KS1" + "\r\x1b[2Kb\nS1" + "\r\x1b[2KS2" + "\r\x1b[2Kc\nd\nS2",
		},
		{
			name:     "a log without a newline gets one before the status",
			terminal: true,
			steps:    []step{set("S"), w("partial")},
			want:     "\r\x1b[2KS" + "\r\x1b[2Kpartial\nS",
		},
		{
			name:     "the status is cut to the width minus one",
			terminal: true,
			width:    6,
			steps:    []step{set("● LIVE  30 fps"), w("x\n")},
			want:     "\r\x1b[2K● LIV" + "\r\x1b[2Kx\n● LIV",
		},
		{
			name:     "an empty status clears the line once",
			terminal: true,
			steps:    []step{set("S"), set(""), set(""), w("x\n")},
			want:     "\r\x1b[2KS" + "\r\x1b[2K" + "x\n",
		},
		{
			name:     "close clears the status and stops showing it",
			terminal: true,
			steps:    []step{set("S"), {close: true}, set("T"), w("x\n"), {close: true}},
			want:     "\r\x1b[2KS" + "\r\x1b[2K" + "x\n",
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var buf bytes.Buffer
			s := &statusLine{Out: &buf, Terminal: c.terminal}
			if c.width > 0 {
				s.Width = func() int { return c.width }
			}
			for _, st := range c.steps {
				switch {
				case st.close:
					s.Close()
				case st.isSet:
					s.Set(st.set)
				default:
					n, err := s.Write([]byte(st.write))
					if err != nil || n != len(st.write) {
						t.Fatalf("Write(%q) = %d, %v", st.write, n, err)
					}
				}
			}
			if got := buf.String(); got != c.want {
				t.Errorf("wrote\n%q\nwant\n%q", got, c.want)
			}
		})
	}
}

func TestStatusLineDefaultWidth(t *testing.T) {
	var buf bytes.Buffer
	s := &statusLine{Out: &buf, Terminal: true}
	s.Set(strings.Repeat("x", 200))
	if got := strings.TrimPrefix(buf.String(), clearLine); len(got) != 99 {
		t.Errorf("a status on an unknown width is %d columns, want 99", len(got))
	}
}

// TestStatusLineConcurrent checks that log lines and status updates from
// many goroutines never interleave inside one another (run with -race).
func TestStatusLineConcurrent(t *testing.T) {
	var buf bytes.Buffer
	s := &statusLine{Out: &buf, Terminal: true}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 50 {
				fmt.Fprintf(s, "log %d %d\n", g, i)
				s.Set(fmt.Sprintf("status %d %d", g, i))
			}
		})
	}
	wg.Wait()
	s.Close()
	logs := 0
	for _, line := range strings.Split(buf.String(), "\n") {
		// Each line is status draws and clears, then at most one log line.
		parts := strings.Split(line, clearLine)
		for _, p := range parts[:len(parts)-1] {
			if p != "" && !strings.HasPrefix(p, "status ") {
				t.Fatalf("garbled line %q", line)
			}
		}
		if last := parts[len(parts)-1]; strings.HasPrefix(last, "log ") {
			logs++
		} else if last != "" {
			t.Fatalf("garbled line %q", line)
		}
	}
	if logs != 200 {
		t.Errorf("%d log lines, want 200", logs)
	}
}

func TestFormatStatus(t *testing.T) {
	now := time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)
	testSel := ingest.Selection{Video: ingest.Choice{Kind: ingest.InputTest}, Audio: ingest.Choice{Kind: ingest.InputTest}}
	live := segmenter.BroadcastStatus{
		Live: true, Stream: "main", Since: now.Add(-(12*time.Minute + 3*time.Second)),
		Video:     ingest.InputStatus{Kind: ingest.InputTest, Name: "test pattern", State: ingest.StateOK},
		Audio:     ingest.InputStatus{Kind: ingest.InputTest, Name: "test tone", State: ingest.StateOK},
		Selection: testSel,
		Health:    segmenter.Health{FPSIn: 30, FPSOut: 29.7, VideoKbps: 480.4, AudioKbps: 128, Dropped: 0},
	}
	lost := live
	lost.Video = ingest.InputStatus{Kind: ingest.InputDevice, Name: "HD Pro Webcam C920", State: ingest.StateLost, Error: "read: no such device"}
	lost.Audio = ingest.InputStatus{Kind: ingest.InputDevice, Name: "USB Audio Mic", State: ingest.StateOK}
	lost.Health = segmenter.Health{FPSIn: 0, FPSOut: 30, VideoKbps: 95, AudioKbps: 64, Dropped: 12}
	lost.Since = now.Add(-(100*time.Hour + 59*time.Second))
	noAudio := live
	noAudio.Audio = ingest.InputStatus{Kind: ingest.InputNone, State: ingest.StateOff}
	micLost := live
	micLost.Audio = ingest.InputStatus{Kind: ingest.InputDevice, Name: "USB Audio Mic", State: ingest.StateLost}
	unnamed := live
	unnamed.Video = ingest.InputStatus{Kind: ingest.InputTest, State: ingest.StateOK}
	offline := segmenter.BroadcastStatus{
		Stream: "main",
		Selection: ingest.Selection{
			Video: ingest.Choice{Kind: ingest.InputDevice, Name: "HD Pro Webcam C920"},
			Audio: ingest.Choice{Kind: ingest.InputNone},
		},
	}
	offlineTest := segmenter.BroadcastStatus{Stream: "my show", Selection: testSel}

	cases := []struct {
		name    string
		st      segmenter.BroadcastStatus
		viewers int
		network string
		want    string
		plain   string
	}{
		{
			name: "live on the test source", st: live, viewers: 2, network: "ok",
			want:  "● LIVE  test pattern + test tone  30/30 fps  v 480 kb/s  a 128 kb/s  2 viewers  0 dropped  net ok  up 00:12:03",
			plain: `live=true stream=main video="test pattern" audio="test tone" fps_in=30 fps_out=30 video_kbps=480 audio_kbps=128 dropped=0 uptime=00:12:03 viewers=2 net=ok`,
		},
		{
			name: "camera lost, long uptime", st: lost, viewers: 1, network: "offline",
			want:  "● LIVE  camera LOST + USB Audio Mic  0/30 fps  v 95 kb/s  a 64 kb/s  1 viewer  12 dropped  net offline  up 100:00:59",
			plain: `live=true stream=main video="camera LOST" audio="USB Audio Mic" fps_in=0 fps_out=30 video_kbps=95 audio_kbps=64 dropped=12 uptime=100:00:59 viewers=1 net=offline`,
		},
		{
			name: "no audio selected", st: noAudio, viewers: 0, network: "?",
			want: "● LIVE  test pattern + no audio  30/30 fps  v 480 kb/s  a 128 kb/s  0 viewers  0 dropped  net ?  up 00:12:03",
		},
		{
			name: "microphone lost", st: micLost, viewers: 3, network: "ok",
			want: "● LIVE  test pattern + mic LOST  30/30 fps  v 480 kb/s  a 128 kb/s  3 viewers  0 dropped  net ok  up 00:12:03",
		},
		{
			name: "an input without a name says what it is", st: unnamed, viewers: 0, network: "ok",
			want: "● LIVE  test pattern + test tone  30/30 fps  v 480 kb/s  a 128 kb/s  0 viewers  0 dropped  net ok  up 00:12:03",
		},
		{
			name: "offline shows the selection", st: offline, viewers: 0, network: "ok",
			want:  "○ OFFLINE  HD Pro Webcam C920 + no audio  0 viewers  net ok",
			plain: `live=false stream=main video="HD Pro Webcam C920" audio="no audio" viewers=0 net=ok`,
		},
		{
			name: "offline on the test source", st: offlineTest, viewers: 1, network: "?",
			want:  "○ OFFLINE  test pattern + test tone  1 viewer  net ?",
			plain: `live=false stream="my show" video="test pattern" audio="test tone" viewers=1 net=?`,
		},
		{
			name: "offline with nothing selected", st: segmenter.BroadcastStatus{}, viewers: 0, network: "ok",
			want:  "○ OFFLINE  no video + no audio  0 viewers  net ok",
			plain: `live=false stream="" video="no video" audio="no audio" viewers=0 net=ok`,
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := formatStatus(c.st, c.viewers, c.network, now); got != c.want {
				t.Errorf("formatStatus\n got %q\nwant %q", got, c.want)
			}
			if c.plain == "" {
				return
			}
			if got := formatStatusPlain(c.st, c.viewers, c.network, now); got != c.plain {
				t.Errorf("formatStatusPlain\n got %q\nwant %q", got, c.plain)
			}
		})
	}
}
