package main

import (
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/uplink"
	"github.com/llcast/llcast/segmenter"
)

func TestPushTargetParse(t *testing.T) {
	for _, c := range []struct {
		to, stream, key    string
		url, wStream, wKey string
		err                string
	}{
		{to: "srt://h:8890", stream: "stage", key: "k", url: "srt://h:8890", wStream: "stage", wKey: "k"},
		{to: "srt://h:8890?streamid=publish:stage:k1&latency=50&x=y", url: "srt://h:8890?latency=50", wStream: "stage", wKey: "k1"},
		{to: "srt://h:8890?streamid=publish:stage:k1", stream: "other", url: "srt://h:8890", wStream: "other", wKey: "k1"},
		{to: "rtmp://h:1935/live/stage?key=k2", url: "rtmp://h:1935", wStream: "stage", wKey: "k2"},
		{to: "rtmps://h/live", stream: "stage", key: "k", url: "rtmps://h", wStream: "stage", wKey: "k"},
		{to: "", err: "--to URL"},
		{to: "http://h/live/stage?key=k", err: "use srt://"},
		{to: "srt://h:8890?streamid=read:stage", err: "publish:STREAM:KEY"},
		{to: "srt://h:8890", key: "k", err: "--stream NAME"},
		{to: "srt://h:8890", stream: "Stage", key: "k", err: "a-z"},
		{to: "srt://h:8890", stream: "stage", err: "--key KEY"},
		{to: "h:8890", err: "not a URL"},
	} {
		p := pushTarget{stream: c.stream, key: c.key}
		err := p.parse(c.to)
		if c.err != "" {
			if err == nil || !strings.Contains(err.Error(), c.err) {
				t.Errorf("parse(%q): %v, want an error saying %q", c.to, err, c.err)
			}
			continue
		}
		if err != nil {
			t.Errorf("parse(%q): %v", c.to, err)
			continue
		}
		if p.url.String() != c.url || p.stream != c.wStream || p.key != c.wKey {
			t.Errorf("parse(%q) = %s %q %q, want %s %q %q", c.to, p.url, p.stream, p.key, c.url, c.wStream, c.wKey)
		}
	}
}

func TestFormatPushStatus(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	live := segmenter.BroadcastStatus{
		Live: true, Stream: "stage",
		Video:  ingest.InputStatus{Kind: ingest.InputTest, State: ingest.StateOK},
		Audio:  ingest.InputStatus{Kind: ingest.InputTest, State: ingest.StateOK},
		Health: segmenter.Health{FPSOut: 30, VideoKbps: 2410, AudioKbps: 128},
	}
	connected := uplink.Status{Connected: true, Since: now.Add(-62 * time.Second), Link: ingest.LinkStats{RTT: 12 * time.Millisecond, Lost: 3}, Dropped: 1}
	away := uplink.Status{Attempts: 2, LastError: "connection refused", Dropped: 40}
	for _, c := range []struct {
		st   segmenter.BroadcastStatus
		up   uplink.Status
		want string
	}{
		{live, connected, "● SENDING  test pattern + test tone  30 fps  v 2410 kb/s  a 128 kb/s  rtt 12 ms  3 lost  1 dropped  up 00:01:02"},
		{live, uplink.Status{Connected: true, Since: now}, "rtt -"},
		{live, away, "◌ RECONNECTING  test pattern + test tone  2 attempts  40 dropped  connection refused"},
		{live, uplink.Status{}, "connecting"},
		{segmenter.BroadcastStatus{}, away, "○ STOPPED"},
	} {
		if got := formatPushStatus(c.st, c.up, now); !strings.Contains(got, c.want) {
			t.Errorf("formatPushStatus = %q, want it to hold %q", got, c.want)
		}
	}
	plain := formatPushStatusPlain(live, away, now)
	for _, want := range []string{"live=true", "connected=false", "attempts=2", `error="connection refused"`, "dropped=40"} {
		if !strings.Contains(plain, want) {
			t.Errorf("formatPushStatusPlain = %q, want %q in it", plain, want)
		}
	}
}
