package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi/auth"
)

// pushAddr is the HOST:PORT of the server's RTMP ("rtmp") or SRT ("srt")
// listener, from the publish URLs serve prints.
func (s *testServer) pushAddr(t *testing.T, scheme string) string {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		for line := range strings.Lines(s.stdout.String()) {
			if rest, ok := strings.CutPrefix(strings.TrimSpace(line), scheme+"://"); ok {
				host, _, _ := strings.Cut(rest, "/")
				host, _, _ = strings.Cut(host, "?")
				return host
			}
		}
	}
	t.Fatalf("serve printed no %s:// publish URL:\n%s", scheme, s.stdout)
	return ""
}

// addStream runs `llcast stream add NAME ARGS… --json` on the server's
// data directory, as a streamer would while it runs.
func addStream(t *testing.T, s *testServer, name string, args ...string) auth.StreamInfo {
	t.Helper()
	var stdout, stderr bytes.Buffer
	args = append([]string{"stream", "add", name, "--json", "--data", s.DataDir}, args...)
	if err := run(context.Background(), args, nil, &stdout, &stderr); err != nil {
		t.Fatalf("stream add %s: %v\n%s", name, err, stderr.String())
	}
	var info auth.StreamInfo
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		t.Fatalf("stream add --json: %v in %s", err, stdout.String())
	}
	return info
}

// publishURL is where ffmpeg publishes stream with key to the server.
func publishURL(t *testing.T, s *testServer, proto, stream, key string) string {
	t.Helper()
	addr := s.pushAddr(t, proto)
	if proto == "srt" {
		return fmt.Sprintf("srt://%s?streamid=publish:%s:%s&pkt_size=1316", addr, stream, key)
	}
	return fmt.Sprintf("rtmp://%s/live/%s?key=%s", addr, stream, key)
}

// ffmpegPublisher is ffmpeg pushing the lavfi test picture (libx264 with
// its default B-frames, a keyframe a second) and a tone (AAC) in real time.
type ffmpegPublisher struct {
	cmd    *exec.Cmd
	stderr *syncBuffer
	done   chan error
}

// startFFmpegPush publishes to url over proto ("rtmp" or "srt") for d.
func startFFmpegPush(t *testing.T, proto, url string, d time.Duration) *ffmpegPublisher {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	format := "flv"
	if proto == "srt" {
		format = "mpegts"
	}
	p := &ffmpegPublisher{stderr: &syncBuffer{}, done: make(chan error, 1)}
	p.cmd = exec.Command(ffmpeg, "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
		"-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac",
		"-t", fmt.Sprint(d.Seconds()), "-f", format, url)
	p.cmd.Stdout, p.cmd.Stderr = io.Discard, p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { p.done <- p.cmd.Wait() }()
	t.Cleanup(p.kill)
	return p
}

// kill ends ffmpeg at once and waits for it.
func (p *ffmpegPublisher) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
	p.done <- nil // for a later kill or wait
}

// wait returns how ffmpeg ended, failing the test after limit.
func (p *ffmpegPublisher) wait(t *testing.T, limit time.Duration) error {
	t.Helper()
	select {
	case err := <-p.done:
		p.done <- err
		return err
	case <-time.After(limit):
		t.Fatalf("ffmpeg still runs after %v", limit)
		return nil
	}
}

// freeUDPPort returns a loopback HOST:PORT no one listens on now.
func freeUDPPort(t *testing.T) string {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.LocalAddr().String()
}

// makeClip has ffmpeg write seconds of the lavfi test picture (H.264 with
// B-frames, a keyframe a second) and a tone (AAC) to path; the format
// follows the extension. extra replaces the codec options.
func makeClip(t *testing.T, path string, seconds float64, extra ...string) {
	t.Helper()
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	codecs := []string{"-c:v", "libx264", "-preset", "veryfast", "-g", "30", "-c:a", "aac"}
	if len(extra) > 0 {
		codecs = extra
	}
	args := append([]string{"-hide_banner", "-loglevel", "error", "-nostdin", "-y",
		"-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
		"-t", fmt.Sprint(seconds)}, codecs...)
	out, err := exec.Command(ffmpeg, append(args, path)...).CombinedOutput()
	if err != nil {
		t.Fatalf("ffmpeg making %s: %v\n%s", path, err, out)
	}
}
