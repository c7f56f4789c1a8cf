package vod

import (
	"context"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// media makes a test file with ffmpeg: a 320×240 test picture at 30 fps
// with a keyframe every second (libx264 with its default B-frames) and a
// 48 kHz tone in AAC, in the container args ask for.
func media(t testing.TB, name string, seconds float64, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	cmd := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", time.Duration(seconds * float64(time.Second)).String(),
		"-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p", "-c:a", "aac"}
	cmd = append(append(cmd, args...), out)
	if b, err := run(t, "ffmpeg", cmd...); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", cmd, err, b)
	}
	return out
}

// run runs a tool that the tests need, bounded in time.
func run(t testing.TB, tool string, args ...string) ([]byte, error) {
	t.Helper()
	path, err := exec.LookPath(tool)
	if err != nil {
		t.Fatalf("%s is needed: %v", tool, err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, path, args...).CombinedOutput()
}
