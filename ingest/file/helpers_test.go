package file

import (
	"log/slog"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest/ingesttest"
)

// media makes a test file with ffmpeg: a 320×240 test picture at 30 fps
// and a 48 kHz tone, encoded by args (libx264 keeps its default B-frames;
// h264Args asks for a keyframe every second).
func media(t testing.TB, name string, seconds float64, args ...string) string {
	t.Helper()
	return ingesttest.MakeClip(t, name, "320x240", time.Duration(seconds*float64(time.Second)), args...)
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
