package main

import (
	"context"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestE2EPush: ffmpeg publishes H.264 with B-frames and AAC over RTMP and
// over SRT; gohlslib's client, logged in, reads both tracks back with
// increasing decoding times, the B-frames still reordered.
func TestE2EPush(t *testing.T) {
	for _, proto := range []string{"rtmp", "srt"} {
		t.Run(proto, func(t *testing.T) {
			s := startServer(t)
			info := addStream(t, s, "stage")
			startFFmpegPush(t, proto, publishURL(t, s, proto, "stage", info.Key), 30*time.Second)
			token := s.login(t)
			waitOnAir(t, s, token, "stage")
			r := readHLS(t, s.URL+"/live/stage/index.m3u8", token)
			v, a := r.waitSamples(t, 90, 140, 40*time.Second, s.logs) // 3 s of each
			if !v.monotone || !a.monotone {
				t.Errorf("decoding times went backwards: video %v, audio %v", v.monotone, a.monotone)
			}
			if v.reordered == 0 {
				t.Error("no video sample is presented after it is decoded: the B-frames were lost")
			}
			if d := math.Abs(v.offset - a.offset); d > 200 {
				t.Errorf("audio and video are %.0f ms apart on the wall clock, want ≤ 200", d)
			}
			if strings.Contains(s.logs.String(), info.Key) {
				t.Error("the publish key is in the log")
			}
		})
	}
}

// TestE2EPushRefusals: a wrong key, an unknown stream and a second
// publisher are refused in each protocol's own way; the log says why, and
// never holds the key.
func TestE2EPushRefusals(t *testing.T) {
	for _, proto := range []string{"rtmp", "srt"} {
		t.Run(proto, func(t *testing.T) {
			s := startServer(t)
			info := addStream(t, s, "stage")
			const wrong = "0123456789abcdef0123456789abcdef"
			for _, c := range []struct{ what, stream, key, log string }{
				{"wrong key", "stage", wrong, "wrong publish key"},
				{"unknown stream", "nosuch", info.Key, "no such stream"},
			} {
				p := startFFmpegPush(t, proto, publishURL(t, s, proto, c.stream, c.key), 5*time.Second)
				if err := p.wait(t, 20*time.Second); err == nil {
					t.Errorf("%s: ffmpeg published", c.what)
				}
				waitLog(t, s, c.log)
			}
			first := startFFmpegPush(t, proto, publishURL(t, s, proto, "stage", info.Key), 60*time.Second)
			waitLog(t, s, "the stream is live")
			second := startFFmpegPush(t, proto, publishURL(t, s, proto, "stage", info.Key), 5*time.Second)
			if err := second.wait(t, 20*time.Second); err == nil {
				t.Error("a second publisher published to a live stream")
			}
			waitLog(t, s, "already has a publisher")
			select {
			case err := <-first.done:
				t.Errorf("the first publisher was dropped: %v\n%s", err, first.stderr)
			default:
			}
			for _, key := range []string{info.Key, wrong} {
				if strings.Contains(s.logs.String(), key) {
					t.Errorf("the log holds a key %s", key)
				}
			}
		})
	}
}

// TestE2EPushReconnect: the publisher is killed and comes back within 5 s;
// the client reading the stream carries on, its decoding times still
// increasing, and the playlist marks the seam.
func TestE2EPushReconnect(t *testing.T) {
	s := startServer(t)
	info := addStream(t, s, "stage")
	url := publishURL(t, s, "rtmp", "stage", info.Key)
	first := startFFmpegPush(t, "rtmp", url, time.Minute)
	token := s.login(t)
	waitOnAir(t, s, token, "stage")
	r := readHLS(t, s.URL+"/live/stage/index.m3u8", token)
	before, _ := r.waitSamples(t, 60, 90, 40*time.Second, s.logs)
	first.kill()
	waitLog(t, s, "publisher left")
	time.Sleep(2 * time.Second) // the publisher is away, as after a network drop
	startFFmpegPush(t, "rtmp", url, time.Minute)
	waitLog(t, s, "publisher is back")
	v, a := r.waitSamples(t, before.samples+90, 0, 40*time.Second, s.logs)
	if !v.monotone || !a.monotone {
		t.Errorf("decoding times went backwards across the reconnect: video %v, audio %v", v.monotone, a.monotone)
	}
	if _, body := pageStatus(t, s.URL+"/live/stage/video.m3u8", token); !strings.Contains(body, "#EXT-X-DISCONTINUITY") {
		t.Errorf("the playlist does not mark the seam:\n%s", body)
	}
}

// TestE2ELlcastPush: llcast push sends its test source to a second llcast
// over SRT, whose viewers get it; the server is killed and started again,
// and the push reconnects by itself.
func TestE2ELlcastPush(t *testing.T) {
	srtAddr := freeUDPPort(t)
	s := startServer(t, "--srt-listen", srtAddr)
	info := addStream(t, s, "stage")
	logs := &syncBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"push", "--to", "srt://" + srtAddr, "--stream", "stage", "--key", info.Key,
			"--source", "test"}, nil, io.Discard, logs)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("push returned %v", err)
		}
	})
	token := s.login(t)
	waitOnAir(t, s, token, "stage")
	r := readHLS(t, s.URL+"/live/stage/index.m3u8", token)
	r.waitSamples(t, 60, 90, 40*time.Second, s.logs)

	data := s.DataDir
	s.stop(t)
	waitFor(t, logs, "connection lost")
	s2 := restartServer(t, data, "--srt-listen", srtAddr)
	token = s2.login(t)
	waitOnAir(t, s2, token, "stage")
	r2 := readHLS(t, s2.URL+"/live/stage/index.m3u8", token)
	r2.waitSamples(t, 60, 90, 40*time.Second, s2.logs)
	if n := strings.Count(logs.String(), "msg=connected"); n < 2 {
		t.Errorf("push connected %d times, want 2\n%s", n, logs)
	}
}

// TestE2ELlcastPushRTMPS: llcast push sends over RTMPS to a server with a
// self-signed certificate, which --insecure accepts.
func TestE2ELlcastPushRTMPS(t *testing.T) {
	s := startServer(t, "--tls", "self-signed")
	info := addStream(t, s, "stage")
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		done <- run(ctx, []string{"push", "--to", "rtmps://" + s.pushAddr(t, "rtmps"), "--insecure",
			"--stream", "stage", "--key", info.Key, "--source", "test"}, nil, io.Discard, io.Discard)
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("push returned %v", err)
		}
	})
	waitLog(t, s, "protocol=rtmps")
	waitLog(t, s, "the stream is live")
}

// TestE2EPushGrants: a viewer limited to main gets 403 on another stream.
func TestE2EPushGrants(t *testing.T) {
	s := startServer(t)
	addStream(t, s, "backstage")
	if err := run(context.Background(), []string{"user", "add", "bob", "--streams", "main", "--password-stdin", "--data", s.DataDir},
		strings.NewReader(testPassword+"\n"), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	token := loginAt(t, s.URL, "bob", testPassword)
	for path, want := range map[string]int{
		"/live/main/index.m3u8":      http.StatusOK,
		"/live/backstage/index.m3u8": http.StatusForbidden,
	} {
		resp := fetchWithCookie(t, s.URL+path, token)
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET %s as a viewer of main: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

// waitOnAir waits until the stream's playlist is served: a publisher has
// put it on the air.
func waitOnAir(t *testing.T, s *testServer, token, stream string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
		resp := fetchWithCookie(t, s.URL+"/live/"+stream+"/index.m3u8", token)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("stream %s is not on the air after 30 s (last answer %d)\n%s", stream, resp.StatusCode, s.logs)
		}
	}
}

// waitLog waits until the server's log holds text.
func waitLog(t *testing.T, s *testServer, text string) {
	t.Helper()
	waitFor(t, s.logs, text)
}

// waitFor waits until logs holds text, bounded.
func waitFor(t *testing.T, logs interface{ String() string }, text string) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(logs.String(), text); time.Sleep(20 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log never said %q:\n%s", text, logs)
		}
	}
}

// TestE2ELocalStreamFollowsTheStore: removing main stops the local
// capture of a running server, and adding it back as local restarts it.
func TestE2ELocalStreamFollowsTheStore(t *testing.T) {
	s := startServer(t)
	token := s.login(t)
	waitOnAir(t, s, token, "main")
	for _, step := range []struct {
		args []string
		want int
	}{
		{[]string{"stream", "remove", "main"}, http.StatusNotFound},
		{[]string{"stream", "add", "main", "--local"}, http.StatusOK},
	} {
		if err := run(context.Background(), append(step.args, "--data", s.DataDir), nil, io.Discard, io.Discard); err != nil {
			t.Fatalf("%v: %v", step.args, err)
		}
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			resp := fetchWithCookie(t, s.URL+"/live/main/index.m3u8", token)
			if resp.StatusCode == step.want {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("after %v: the playlist answers %d, want %d\n%s", step.args, resp.StatusCode, step.want, s.logs)
			}
		}
	}
}
