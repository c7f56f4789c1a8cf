package main

import (
	"bytes"
	"context"
	"math"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2"
)

// TestE2EGohlslibClient reads the stream with gohlslib's own client, with and
// without the session cookie.
func TestE2EGohlslibClient(t *testing.T) {
	srv := startServer(t)
	token := srv.login(t)

	t.Run("without cookie", func(t *testing.T) {
		for _, p := range []string{"/live/main/index.m3u8", "/live/main/video.m3u8", "/live/main/init.mp4",
			"/live/main/legacy/index.m3u8", "/live/main/legacy/stream.m3u8"} {
			resp, err := http.Get(srv.URL + p)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("GET %s without cookie: %d, want 401", p, resp.StatusCode)
			}
		}
		c := &gohlslib.Client{URI: srv.URL + "/live/main/index.m3u8", OnDownloadPrimaryPlaylist: func(string) {}}
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		select {
		case err := <-c.Wait():
			if err == nil || !strings.Contains(err.Error(), "401") {
				t.Fatalf("client error = %v, want a 401", err)
			}
		case <-time.After(10 * time.Second):
			t.Fatal("client without cookie kept running")
		}
		c.Close()
	})

	t.Run("with cookie", func(t *testing.T) {
		r := readHLS(t, srv.URL+"/live/main/index.m3u8", token)
		v, a := r.waitSamples(t, 90, 140, 30*time.Second, srv.logs) // 3 s of each
		if !v.monotone || !a.monotone {
			t.Fatalf("timestamps went backwards: video %v, audio %v", v.monotone, a.monotone)
		}
		if d := math.Abs(v.offset - a.offset); d > 100 {
			t.Fatalf("audio and video are %.0f ms apart on the wall clock, want ≤ 100", d)
		}
		if strings.Contains(srv.logs.String(), "part duration changed") {
			t.Fatalf("the muxer saw irregular parts:\n%s", srv.logs)
		}
	})
}

// TestE2EFFmpeg decodes the stream with ffmpeg, a real HLS client that
// reads whole segments, authenticated by the cookie header, with either
// audio codec.
func TestE2EFFmpeg(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	for _, codec := range []string{"aac", "opus"} {
		t.Run(codec, func(t *testing.T) {
			srv := startServer(t, "--audio-codec", codec)
			token := srv.login(t)
			frames, secs := decodeWithFFmpeg(t, ffmpeg, srv, srv.URL+"/live/main/index.m3u8",
				"-headers", "Cookie: jwt="+token+"\r\n")
			if frames < 90 {
				t.Errorf("ffmpeg decoded %d video frames, want ≥ 90 (3 s at 30 fps)", frames)
			}
			if secs < 3 {
				t.Errorf("ffmpeg decoded %.2f s of %s audio, want ≥ 3 s", secs, codec)
			}
		})
	}
}

// decodeWithFFmpeg plays url for 3.5 s with ffmpeg (input options before
// -i in inputArgs) and returns the video frames it decoded and the seconds
// of audio. Video is counted in the progress report; audio is decoded to
// 48 kHz mono PCM on stdout and measured by length.
func decodeWithFFmpeg(t *testing.T, ffmpeg string, srv *testServer, url string, inputArgs ...string) (int64, float64) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	progress := filepath.Join(t.TempDir(), "progress")
	args := append([]string{"-v", "error", "-nostdin", "-progress", progress}, inputArgs...)
	args = append(args, "-i", url,
		"-map", "0:v:0", "-t", "3.5", "-f", "null", "-",
		"-map", "0:a:0", "-t", "3.5", "-ac", "1", "-ar", "48000", "-f", "s16le", "pipe:1")
	cmd := exec.CommandContext(ctx, ffmpeg, args...)
	var pcm, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &pcm, &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s\nserver log:\n%s", err, stderr.String(), srv.logs)
	}
	if strings.Contains(stderr.String(), "rror") {
		t.Errorf("ffmpeg reported errors:\n%s", stderr.String())
	}
	report, _ := os.ReadFile(progress)
	return progressValue(string(report), "frame"), float64(pcm.Len()) / 2 / 48000
}

// progressValue returns the last value of key in ffmpeg's -progress output.
func progressValue(progress, key string) int64 {
	var v int64
	for _, line := range strings.Split(progress, "\n") {
		if k, val, ok := strings.Cut(line, "="); ok && k == key {
			if n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64); err == nil {
				v = n
			}
		}
	}
	return v
}

// TestE2ELegacyFFmpeg plays the legacy MPEG-TS rendition with ffmpeg, with
// the session cookie and with a stream link.
func TestE2ELegacyFFmpeg(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	srv := startServer(t)
	token := srv.login(t)
	// The first 2 s segment must be complete before ffmpeg can start.
	frames, secs := decodeWithFFmpeg(t, ffmpeg, srv, srv.URL+"/live/main/legacy/index.m3u8",
		"-headers", "Cookie: jwt="+token+"\r\n")
	if frames < 90 || secs < 3 {
		t.Errorf("ffmpeg decoded %d frames and %.2f s of audio from the legacy rendition, want ≥ 90 and ≥ 3 s", frames, secs)
	}
	link, _ := makeLink(t, srv, "main")
	legacy := strings.Replace(link, "/index.m3u8?", "/legacy/index.m3u8?", 1)
	if frames, _ := decodeWithFFmpeg(t, ffmpeg, srv, legacy); frames < 90 {
		t.Errorf("ffmpeg decoded %d frames from the legacy rendition through a stream link, want ≥ 90", frames)
	}
}
