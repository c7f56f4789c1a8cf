package rtmp

import (
	"errors"
	"fmt"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

const testKey = "s3cretKEY42"

// testInputs are ffmpeg's: a moving picture and a tone.
var testInputs = ingesttest.FFmpegInputs("320x240")

func rtmpURL(s *Server, path string) string {
	return fmt.Sprintf("rtmp://%s%s", s.Addr(), path)
}

func TestServerFFmpegPush(t *testing.T) {
	cases := []struct {
		name string
		args func(s *Server) []string
	}{
		{"ffmpeg URL", func(s *Server) []string {
			return []string{rtmpURL(s, "/live/main?key="+testKey)}
		}},
		{"OBS server and stream key", func(s *Server) []string {
			// tcUrl without a query, the publish name carrying it.
			return []string{"-rtmp_app", "live", "-rtmp_playpath", "main?key=" + testKey, rtmpURL(s, "/live")}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := ingesttest.NewRecorder("main", testKey)
			s, logs := startServer(t, rec, nil)
			args := append(append([]string{"-re"}, testInputs...),
				"-c:v", "libx264", "-g", "30", "-c:a", "aac", "-t", "3", "-f", "flv")
			if out, err := ingesttest.FFmpeg(t, append(args, c.args(s)...)...); err != nil {
				t.Fatalf("ffmpeg: %v\n%s\nserver log:\n%s", err, out, logs)
			}
			checkFFmpegPush(t, rec, rec.WaitEnded(t))
			if strings.Contains(logs.String(), testKey) {
				t.Errorf("the log holds the key:\n%s", logs)
			}
		})
	}
}

// checkFFmpegPush checks what ffmpeg's push left in rec; runErr is what
// the source's Run returned.
func checkFFmpegPush(t *testing.T, rec *ingesttest.Recorder, runErr error) {
	t.Helper()
	pubs := rec.Publications()
	if n := len(pubs); n != 1 {
		t.Fatalf("Publish called %d times, want 1", n)
	}
	p := pubs[0]
	if p.Stream != "main" || p.Protocol != "rtmp" || p.Remote == "" || p.Since.IsZero() {
		t.Errorf("publication = %+v", p)
	}
	if p.Stats == nil || p.Stats().Bytes == 0 {
		t.Error("Stats reports no bytes received")
	}
	if runErr == nil || !strings.Contains(runErr.Error(), "hung up") {
		t.Errorf("Run returned %v, want the publisher hanging up", runErr)
	}

	video, audio := rec.Track(ingest.CodecH264), rec.Track(ingest.CodecAAC)
	if video == nil || audio == nil {
		t.Fatalf("tracks = %v, want H.264 and AAC", ingest.DescribeTracks(rec.Tracks()))
	}
	if video.ClockRate != 90000 || video.Width != 320 || video.Height != 240 || video.ConstantRate {
		t.Errorf("video track = %+v", video)
	}
	if audio.ClockRate != 48000 || audio.SampleRate != 48000 || audio.Channels != 1 || audio.AACConfig.SampleRate != 48000 {
		t.Errorf("audio track = %+v", audio)
	}

	vs := rec.SamplesOf(ingest.CodecH264)
	if len(vs) < 60 {
		t.Fatalf("%d video samples, want at least 60", len(vs))
	}
	var reordered, idrs int
	for i, s := range vs {
		if i > 0 && s.DTS <= vs[i-1].DTS {
			t.Fatalf("video sample %d: DTS %d after %d", i, s.DTS, vs[i-1].DTS)
		}
		if s.PTS < s.DTS {
			t.Fatalf("video sample %d: PTS %d before DTS %d", i, s.PTS, s.DTS)
		}
		if s.PTS > s.DTS {
			reordered++
		}
		if i > 0 && s.NTP.Before(vs[i-1].NTP) {
			t.Fatalf("video sample %d: NTP goes back", i)
		}
		ingesttest.CheckH264Units(t, i, s.Units)
		if h264.IsRandomAccess(s.Units) {
			idrs++
		}
	}
	if reordered == 0 {
		t.Error("no sample has PTS > DTS: B-frames were lost")
	}
	if idrs < 2 || !h264.IsRandomAccess(vs[0].Units) {
		t.Errorf("%d IDR samples, first sample IDR: %v", idrs, h264.IsRandomAccess(vs[0].Units))
	}

	as := rec.SamplesOf(ingest.CodecAAC)
	if len(as) < 100 { // 3 s of 1024-sample frames at 48 kHz is 140
		t.Fatalf("%d audio samples, want at least 100", len(as))
	}
	for i, s := range as {
		if s.PTS != s.DTS || len(s.Units) != 1 || len(s.Units[0]) == 0 {
			t.Fatalf("audio sample %d = PTS %d DTS %d, %d units", i, s.PTS, s.DTS, len(s.Units))
		}
		if i > 0 && s.DTS <= as[i-1].DTS {
			t.Fatalf("audio sample %d: DTS %d after %d", i, s.DTS, as[i-1].DTS)
		}
	}
	// Both tracks count from the same instant: their first samples are
	// close in time (ffmpeg starts both at 0).
	if d := vs[0].Duration() - as[0].Duration(); d > 200*time.Millisecond || d < -200*time.Millisecond {
		t.Errorf("first video at %s, first audio at %s", vs[0].Duration(), as[0].Duration())
	}
}

func TestServerRefusesPublishers(t *testing.T) {
	cases := []struct {
		name   string
		path   string
		busy   bool
		reason error
		cause  string
	}{
		{"wrong key", "/live/main?key=wrong" + testKey, false, ingest.ErrBadKey, "bad_key"},
		{"no key", "/live/main", false, ingest.ErrBadKey, "bad_key"},
		{"unknown stream", "/live/other?key=" + testKey, false, ingest.ErrUnknownStream, "unknown_stream"},
		{"invalid stream name", "/live/Main?key=" + testKey, false, ingest.ErrUnknownStream, "unknown_stream"},
		{"other app", "/app/main?key=" + testKey, false, ingest.ErrUnknownStream, "unknown_stream"},
		{"busy", "/live/main?key=" + testKey, true, ingest.ErrStreamBusy, "busy"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := ingesttest.NewRecorder("main", testKey)
			if c.busy {
				rec.Busy = []string{"main"}
			}
			s, logs := startServer(t, rec, nil)
			args := append(append([]string{}, testInputs...),
				"-c:v", "libx264", "-c:a", "aac", "-t", "2", "-f", "flv", rtmpURL(s, c.path))
			if out, err := ingesttest.FFmpeg(t, args...); err == nil {
				t.Fatalf("ffmpeg succeeded, want it refused\n%s", out)
			}
			logs.WaitFor(t, "publish refused")
			if n := len(rec.Publications()); n != 0 {
				t.Errorf("Publish called %d times", n)
			}
			log := logs.String()
			if !strings.Contains(log, c.reason.Error()) || !strings.Contains(log, "cause="+c.cause) {
				t.Errorf("the log lacks the reason %q:\n%s", c.reason, log)
			}
			if strings.Contains(log, testKey) {
				t.Errorf("the log holds the key:\n%s", log)
			}
		})
	}
}

func TestServerRefusesUnsupportedCodecs(t *testing.T) {
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"Sorenson H.263 video", []string{"-c:v", "flv", "-an"},
			"video codec Sorenson H.263 is not supported: set the encoder to H.264 (x264)"},
		{"MP3 audio", []string{"-c:v", "libx264", "-c:a", "libmp3lame", "-ar", "44100"},
			"audio codec MP3 is not supported: set the audio encoder to AAC"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := ingesttest.NewRecorder("main", testKey)
			s, logs := startServer(t, rec, nil)
			args := append(append(append([]string{}, testInputs...), c.args...),
				"-t", "3", "-f", "flv", rtmpURL(s, "/live/main?key="+testKey))
			out, _ := ingesttest.FFmpeg(t, args...) // ffmpeg may have sent everything before the server hung up
			logs.WaitFor(t, "publish refused")
			log := logs.String()
			if !strings.Contains(log, c.want) || !strings.Contains(log, "cause=unsupported_codec") {
				t.Errorf("the log lacks %q:\n%s\nffmpeg:\n%s", c.want, log, out)
			}
			if n := len(rec.Publications()); n != 0 {
				t.Errorf("Publish called %d times", n)
			}
		})
	}
}

func TestServerRefusesPlayers(t *testing.T) {
	rec := ingesttest.NewRecorder("main", testKey)
	s, logs := startServer(t, rec, nil)
	if out, err := ingesttest.FFmpeg(t, "-i", rtmpURL(s, "/live/main?key="+testKey), "-t", "1", "-f", "null", "-"); err == nil {
		t.Fatalf("ffmpeg played, want it refused\n%s", out)
	}
	logs.WaitFor(t, "play refused")
	if a, p := len(rec.Authorizations()), len(rec.Publications()); a != 0 || p != 0 {
		t.Errorf("a player reached Publishers: %d Authorize, %d Publish", a, p)
	}
}

func TestServerStartErrors(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	rec := ingesttest.NewRecorder("main", testKey)
	cases := []struct {
		name string
		s    *Server
		want string
	}{
		{"address in use", &Server{Listen: busy.Addr().String(), Publishers: rec}, "address already in use"},
		{"no Listen", &Server{Publishers: rec}, "Listen"},
		{"no Publishers", &Server{Listen: "127.0.0.1:0"}, "Publishers"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Start()
			if err == nil {
				c.s.Close()
				t.Fatal("Start succeeded")
			}
			if !strings.Contains(err.Error(), c.want) {
				t.Errorf("Start() = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestServerDropsSilentConnections(t *testing.T) {
	rec := ingesttest.NewRecorder("main", testKey)
	s, logs := startServer(t, rec, func(s *Server) { s.ReadTimeout = 200 * time.Millisecond })
	c, err := net.Dial("tcp", s.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	// The server hangs up on a client that never completes the handshake.
	if err := c.SetReadDeadline(time.Now().Add(10 * time.Second)); err != nil {
		t.Fatal(err)
	}
	var ne net.Error
	if _, err := c.Read(make([]byte, 1)); err == nil || (errors.As(err, &ne) && ne.Timeout()) {
		t.Fatalf("read = %v, want the server to hang up", err)
	}
	logs.WaitFor(t, "connection closed")
}

func TestServerCloseWithPublisher(t *testing.T) {
	before := runtime.NumGoroutine()
	s, rec, _, snd := publishTestStream(t)
	ingesttest.MustReturn(t, "Close with a publisher connected", s.Close)
	if err := rec.WaitEnded(t); err != nil {
		t.Errorf("Run returned %v after Close, want nil (its context ended)", err)
	}
	_ = snd.Close()
	ingesttest.CheckNoLeaks(t, before)
}
