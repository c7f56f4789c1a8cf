package main

import (
	"testing"

	"github.com/llcast/llcast/configs"
)

// TestPublishHost: a push listener bound to a host names it; else the
// preferred LAN address, IPv4 before a ULA; else loopback. The addresses
// only go into printed URLs: nothing dials them.
func TestPublishHost(t *testing.T) {
	for _, c := range []struct {
		rtmp, srt string
		ips       []string
		want      string
	}{
		{":1935", ":8890", nil, "127.0.0.1"},
		{":1935", ":8890", []string{"fd00::5", "192.0.2.7"}, "192.0.2.7"},
		{":1935", ":8890", []string{"fd00::5"}, "fd00::5"},
		{"127.1.2.3:1935", ":8890", []string{"192.0.2.7"}, "127.1.2.3"},
		{"", "publish.example:8890", []string{"192.0.2.7"}, "publish.example"},
		{"0.0.0.0:1935", "[::]:8890", []string{"fe80::1", "2001:db8::5"}, "2001:db8::5"},
	} {
		cfg := configs.Default()
		cfg.RTMP.Listen, cfg.SRT.Listen = c.rtmp, c.srt
		if got := publishHost(cfg, c.ips); got != c.want {
			t.Errorf("publishHost(rtmp %q, srt %q, %v) = %q, want %q", c.rtmp, c.srt, c.ips, got, c.want)
		}
	}
}
