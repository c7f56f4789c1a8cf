package main

import (
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestE2EFileLoop: a 3 s file plays as live across two loop points, its
// timestamps still increasing.
func TestE2EFileLoop(t *testing.T) {
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	makeClip(t, clip, 3)
	s := startServer(t)
	addStream(t, s, "loop", "--file", clip)
	token := s.login(t)
	waitOnAir(t, s, token, "loop")
	r := readHLS(t, s.URL+"/live/loop/index.m3u8", token)
	v, a := r.waitSamples(t, 7*30, 7*45, 40*time.Second, s.logs) // 7 s: past the loop points at 3 and 6 s
	if !v.monotone || !a.monotone {
		t.Errorf("decoding times went backwards at a loop point: video %v, audio %v", v.monotone, a.monotone)
	}
}

// TestE2EFileVOD: the same file on demand is a VOD playlist that ffmpeg
// reads whole and seeks into.
func TestE2EFileVOD(t *testing.T) {
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	makeClip(t, clip, 6)
	s := startServer(t)
	addStream(t, s, "film", "--file", clip, "--vod")
	token := s.login(t)
	waitOnAir(t, s, token, "film")

	_, body := pageStatus(t, s.URL+"/live/film/index.m3u8", token)
	for _, tag := range []string{"#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-ENDLIST", "#EXT-X-MAP"} {
		if !strings.Contains(body, tag) {
			t.Errorf("the playlist has no %s:\n%s", tag, body)
		}
	}
	cookie := "Cookie: jwt=" + token + "\r\n"
	if n := countFrames(t, "-headers", cookie, "-i", s.URL+"/live/film/index.m3u8"); n != 180 {
		t.Errorf("ffmpeg decoded %d frames of the whole file, want 180", n)
	}
	// Seeking on the input (-ss before -i): ffmpeg 5.1 does it in MPEG-TS
	// playlists only, which the legacy rendition is.
	if n := countFrames(t, "-headers", cookie, "-ss", "3", "-i", s.URL+"/live/film/legacy/index.m3u8"); n < 60 || n > 120 {
		t.Errorf("ffmpeg decoded %d frames from 3 s on, want about 90", n)
	}
}

// TestE2EFileRefused: a file llcast cannot play is refused when added, with
// the reason.
func TestE2EFileRefused(t *testing.T) {
	dir := t.TempDir()
	text := filepath.Join(dir, "notes.mp4")
	if err := os.WriteFile(text, []byte("not a video\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	mpeg4 := filepath.Join(dir, "old.mp4")
	makeClip(t, mpeg4, 1, "-c:v", "mpeg4", "-c:a", "aac")
	for file, want := range map[string]string{text: "not an MP4 or MPEG-TS file", mpeg4: "MPEG-4 Visual is not supported"} {
		var stderr strings.Builder
		err := run(context.Background(), []string{"stream", "add", "x", "--file", file, "--data", dir}, nil, io.Discard, &stderr)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("stream add --file %s: %v, want an error saying %q", filepath.Base(file), err, want)
		}
	}
}

// countFrames decodes with ffmpeg and returns the video frames it counted.
func countFrames(t *testing.T, args ...string) int {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	args = append([]string{"-hide_banner", "-nostdin", "-loglevel", "error", "-stats"}, args...)
	cmd := exec.Command(ffmpeg, append(args, "-map", "0:v", "-f", "null", "-")...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg %v: %v\n%s", args, err, out)
	}
	i := strings.LastIndex(string(out), "frame=")
	if i < 0 {
		t.Fatalf("ffmpeg printed no frame count:\n%s", out)
	}
	n, _ := strconv.Atoi(strings.Fields(string(out[i+len("frame="):]))[0])
	return n
}
