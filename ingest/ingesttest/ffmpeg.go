package ingesttest

import (
	"context"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// ffmpegTimeout bounds one run of ffmpeg.
const ffmpegTimeout = 20 * time.Second

// FFmpegInputs are ffmpeg's input arguments for a moving test picture of
// size ("320x240") at 30 fps and a 440 Hz tone at 48 kHz.
func FFmpegInputs(size string) []string {
	return []string{
		"-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
	}
}

// FFmpeg runs ffmpeg with args and returns its output and its exit error.
// It fails the test when ffmpeg is missing (CI installs it: tests never
// skip for it) or still runs after 20 s.
func FFmpeg(t testing.TB, args ...string) (string, error) {
	t.Helper()
	path := ffmpegPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), ffmpegTimeout)
	defer cancel()
	out, err := ffmpegCommand(ctx, path, args).CombinedOutput()
	if ctx.Err() != nil {
		t.Fatalf("ffmpeg did not finish within %s: %s", ffmpegTimeout, out)
	}
	return string(out), err
}

// StartFFmpeg starts ffmpeg with args and returns a channel that gets its
// exit error. ffmpeg is killed, if it still runs, and waited for when the
// test ends.
func StartFFmpeg(t testing.TB, args ...string) <-chan error {
	t.Helper()
	path := ffmpegPath(t)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := ffmpegCommand(ctx, path, args)
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatal(err)
	}
	done := make(chan error, 1)
	exited := make(chan struct{})
	go func() {
		defer close(exited)
		done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		cancel()
		<-exited
	})
	return done
}

// MakeClip makes a file named name in a new temporary directory with
// ffmpeg: FFmpegInputs(size) for d, encoded by args. It fails the test if
// ffmpeg does.
func MakeClip(t testing.TB, name, size string, d time.Duration, args ...string) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), name)
	args = slices.Concat([]string{"-y"}, FFmpegInputs(size), []string{"-t", d.String()}, args, []string{out})
	if b, err := FFmpeg(t, args...); err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, b)
	}
	return out
}

// ffmpegPath finds ffmpeg, failing the test without it.
func ffmpegPath(t testing.TB) string {
	t.Helper()
	path, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg is needed for this test (apt-get install ffmpeg): ", err)
	}
	return path
}

// ffmpegCommand returns the command that runs ffmpeg quietly with args.
func ffmpegCommand(ctx context.Context, path string, args []string) *exec.Cmd {
	return exec.CommandContext(ctx, path, append([]string{"-hide_banner", "-nostdin", "-loglevel", "warning"}, args...)...)
}
