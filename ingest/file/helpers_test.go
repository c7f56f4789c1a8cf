package file

import (
	"context"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"
)

// media makes a test file with ffmpeg: a 320×240 test picture at 30 fps
// and a 48 kHz tone, encoded by args (libx264 keeps its default B-frames;
// h264Args asks for a keyframe every second).
func media(t testing.TB, name string, seconds float64, args ...string) string {
	t.Helper()
	return makeMedia(t, name, "320x240", seconds, args...)
}

func makeMedia(t testing.TB, name, size string, seconds float64, args ...string) string {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed: ", err)
	}
	out := filepath.Join(t.TempDir(), name)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	cmd := []string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", formatSeconds(seconds)}
	cmd = append(append(cmd, args...), out)
	if b, err := exec.CommandContext(ctx, ffmpeg, cmd...).CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", cmd, err, b)
	}
	return out
}

func formatSeconds(s float64) string {
	return time.Duration(s * float64(time.Second)).String()
}

// h264 and aac are the usual encoder arguments.
var (
	h264Args = []string{"-c:v", "libx264", "-g", "30", "-pix_fmt", "yuv420p"}
	aacArgs  = []string{"-c:a", "aac"}
)

func join(parts ...[]string) []string {
	var out []string
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

// writeFile writes b to a new file named name.
func writeFile(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

// quiet is a logger for tests that do not look at the log.
var quiet = slog.New(slog.DiscardHandler)
