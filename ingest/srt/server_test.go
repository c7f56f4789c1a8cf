package srt

import (
	"errors"
	"fmt"
	"io"
	"net"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

func srtURL(s *Server, streamID, extra string) string {
	port := s.Addr().(*net.UDPAddr).Port
	return fmt.Sprintf("srt://127.0.0.1:%d?streamid=%s&pkt_size=1316%s", port, streamID, extra)
}

// ffmpegTestSource is ffmpeg's input: a 320x240 picture at 30 fps and a
// 48 kHz tone.
var ffmpegTestSource = append([]string{"-re"}, ingesttest.FFmpegInputs("320x240")...)

func TestServerFFmpegPush(t *testing.T) {
	rec := newRecorder()
	s, logs := startServer(t, rec, "")

	// libx264 keeps its default B-frames. Its look-ahead is cut from 40 to
	// 10 pictures because what the encoder still holds when ffmpeg ends
	// comes out in one burst just before the hang-up, and gosrt drops what
	// is waiting in its receive buffer when the peer shuts down: with 40,
	// 1.3 s of the 3 are lost.
	args := append(append([]string{}, ffmpegTestSource...),
		"-c:v", "libx264", "-rc-lookahead", "10", "-g", "30", "-c:a", "aac", "-t", "3", "-f", "mpegts",
		srtURL(s, "publish:main:"+testKey, ""))
	if out, err := ingesttest.FFmpeg(t, args...); err != nil {
		t.Fatalf("ffmpeg failed: %v\n%s", err, out)
	}
	if err := rec.WaitEnded(t); !errors.Is(err, io.EOF) {
		t.Errorf("Run ended with %v, want the publisher hanging up (io.EOF)", err)
	}

	pubsGot, tracks, samples := rec.Publications(), rec.Tracks(), rec.Samples()
	if len(pubsGot) != 1 {
		t.Fatalf("%d publications, want 1", len(pubsGot))
	}
	p := pubsGot[0]
	if p.Stream != "main" || p.Protocol != "srt" || !strings.HasPrefix(p.Remote, "127.0.0.1:") || p.Since.IsZero() {
		t.Errorf("publication = %+v", p)
	}
	if st := p.Stats(); st.Bytes == 0 {
		t.Errorf("stats report no bytes received: %+v", st)
	}
	if len(tracks) != 2 {
		t.Fatalf("%d tracks, want 2", len(tracks))
	}
	video, audio := tracks[0], tracks[1]
	if video.Codec != ingest.CodecH264 || video.ClockRate != 90000 || video.Width != 320 || video.Height != 240 {
		t.Errorf("video track = %+v", *video)
	}
	if audio.Codec != ingest.CodecAAC || audio.ClockRate != 48000 || audio.SampleRate != 48000 ||
		audio.Channels != 1 || audio.AACConfig.SampleRate != 48000 {
		t.Errorf("audio track = %+v", *audio)
	}

	var nVideo, nAudio, reordered int
	var firstVideo, firstAudio *ingest.Sample
	last := map[*ingest.Track]int64{}
	for i, smp := range samples {
		if prev, ok := last[smp.Track]; ok && smp.DTS <= prev {
			t.Fatalf("sample %d: %s DTS %d after %d", i, smp.Track.Codec, smp.DTS, prev)
		}
		last[smp.Track] = smp.DTS
		if smp.PTS < smp.DTS {
			t.Fatalf("sample %d: PTS %d before DTS %d", i, smp.PTS, smp.DTS)
		}
		if smp.NTP.IsZero() {
			t.Fatalf("sample %d has no wall-clock time", i)
		}
		switch smp.Track {
		case video:
			nVideo++
			if firstVideo == nil {
				firstVideo = &samples[i]
			}
			if smp.PTS > smp.DTS {
				reordered++
			}
			ingesttest.CheckH264Units(t, i, smp.Units)
		case audio:
			nAudio++
			if firstAudio == nil {
				firstAudio = &samples[i]
			}
			if len(smp.Units) != 1 {
				t.Fatalf("audio sample %d has %d access units, want 1", i, len(smp.Units))
			}
		default:
			t.Fatalf("sample %d of an unknown track", i)
		}
	}
	if nVideo < 60 {
		t.Errorf("%d video samples, want at least 60 of 90", nVideo)
	}
	if nAudio < 50 {
		t.Errorf("%d audio samples, want at least 50 (3 s of 1024 at 48 kHz is 140)", nAudio)
	}
	if reordered == 0 {
		t.Error("no video sample has PTS > DTS: libx264's B-frames got lost")
	}
	if !h264.IsRandomAccess(firstVideo.Units) {
		t.Error("the first video sample is not an IDR")
	}
	if firstVideo.DTS > 90000/10 || firstVideo.DTS < 0 {
		t.Errorf("first video DTS = %d, want it near 0", firstVideo.DTS)
	}
	gap := firstAudio.Duration() - time.Duration(firstVideo.DTS)*time.Second/90000
	if gap < -time.Second/2 || gap > time.Second/2 {
		t.Errorf("first audio at %s, first video DTS at %s: not on one clock",
			firstAudio.Duration(), time.Duration(firstVideo.DTS)*time.Second/90000)
	}
	if !strings.Contains(logs.String(), "publishing") {
		t.Errorf("log has no publishing line:\n%s", logs)
	}
	if strings.Contains(logs.String(), testKey) {
		t.Errorf("the key is in the log:\n%s", logs)
	}
}

func TestServerCloseEndsPublisher(t *testing.T) {
	base := runtime.NumGoroutine()
	rec := newRecorder()
	s, _ := startServer(t, rec, "")

	done := ingesttest.StartFFmpeg(t, append(append([]string{}, ffmpegTestSource...),
		"-c:v", "libx264", "-c:a", "aac", "-t", "15", "-f", "mpegts", srtURL(s, "publish:main:"+testKey, ""))...)
	rec.WaitPublished(t)
	ingesttest.MustReturn(t, "Close", s.Close)
	if err := rec.WaitEnded(t); err != nil {
		t.Errorf("Run returned %v after Close, want nil", err)
	}
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("ffmpeg went on after the server closed")
	}
	ingesttest.CheckNoLeaks(t, base)
}
