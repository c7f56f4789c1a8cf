package main

import (
	"strings"
	"testing"
)

// TestServeConfigErrors: through the command line, a misspelt config key
// names the key meant, and bitrates take suffixes (README "Configuration").
// Each case fails before anything starts.
func TestServeConfigErrors(t *testing.T) {
	dir := t.TempDir()
	bad := writeConfig(t, dir, "hls:\n  part_durration: 100ms\n")
	for _, c := range []struct {
		args    []string
		want    []string
		notWant string
	}{
		{[]string{"serve", "--config", bad}, []string{"hls.part_durration", "did you mean hls.part_duration"}, ""},
		{[]string{"push", "--config", bad, "--to", "srt://127.0.0.1:8890"}, []string{"did you mean hls.part_duration"}, ""},
		// 2.5M parses: the error is the next mistake's.
		{[]string{"serve", "--video-bitrate", "2.5M", "--source", "webcam"}, []string{"source"}, "bitrate"},
		{[]string{"serve", "--video-bitrate", "99k", "--source", "test"}, []string{"video.bitrate", "99k"}, ""},
		{[]string{"serve", "--video-bitrate", "2.5Q"}, []string{"2.5Q", "2.5M"}, ""},
	} {
		args := append(c.args, "--data", dir)
		if c.args[0] == "push" {
			args = c.args
		}
		_, _, err := runCLI(t, "", args...)
		if err == nil {
			t.Fatalf("%q started", args)
		}
		for _, w := range c.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("%q: %v, want it to say %q", args, err, w)
			}
		}
		if c.notWant != "" && strings.Contains(err.Error(), c.notWant) {
			t.Errorf("%q: %v, want nothing about %q", args, err, c.notWant)
		}
	}
}
