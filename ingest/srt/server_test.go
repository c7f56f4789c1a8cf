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
)

func srtURL(s *Server, streamID, extra string) string {
	port := s.Addr().(*net.UDPAddr).Port
	return fmt.Sprintf("srt://127.0.0.1:%d?streamid=%s&pkt_size=1316%s", port, streamID, extra)
}

// ffmpegTestSource is ffmpeg's input: a 320x240 picture at 30 fps and a
// 48 kHz tone.
var ffmpegTestSource = []string{
	"-re", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
	"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
}

func TestServerFFmpegPush(t *testing.T) {
	pubs, rec := newRecorder()
	s, logs := startServer(t, pubs, "")

	// libx264 keeps its default B-frames. Its look-ahead is cut from 40 to
	// 10 pictures because what the encoder still holds when ffmpeg ends
	// comes out in one burst just before the hang-up, and gosrt drops what
	// is waiting in its receive buffer when the peer shuts down: with 40,
	// 1.3 s of the 3 are lost.
	args := append(append([]string{}, ffmpegTestSource...),
		"-c:v", "libx264", "-rc-lookahead", "10", "-g", "30", "-c:a", "aac", "-t", "3", "-f", "mpegts",
		srtURL(s, "publish:main:"+testKey, ""))
	if out, err := runFFmpeg(t, 20*time.Second, args...); err != nil {
		t.Fatalf("ffmpeg failed: %v\n%s", err, out)
	}
	select {
	case err := <-rec.ended:
		if !errors.Is(err, io.EOF) {
			t.Errorf("Run ended with %v, want the publisher hanging up (io.EOF)", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the source did not end after ffmpeg finished")
	}

	pubsGot, tracks, samples := rec.snapshot()
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
			checkVideoUnits(t, i, smp.Units)
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

// checkVideoUnits checks an H.264 access unit: no delimiters, and SPS and
// PPS in front of an IDR.
func checkVideoUnits(t *testing.T, i int, units [][]byte) {
	t.Helper()
	var types []h264.NALUType
	for _, u := range units {
		types = append(types, h264.NALUType(u[0]&0x1f))
	}
	for _, typ := range types {
		if typ == h264.NALUTypeAccessUnitDelimiter {
			t.Fatalf("video sample %d has an access unit delimiter", i)
		}
	}
	if h264.IsRandomAccess(units) &&
		(len(types) < 3 || types[0] != h264.NALUTypeSPS || types[1] != h264.NALUTypePPS) {
		t.Fatalf("IDR sample %d is %v, want SPS, PPS in front", i, types)
	}
}

func TestServerCloseEndsPublisher(t *testing.T) {
	base := runtime.NumGoroutine()
	pubs, rec := newRecorder()
	s, _ := startServer(t, pubs, "")

	ffmpeg := ffmpegPath(t)
	done := make(chan error, 1)
	go func() {
		args := append(append([]string{}, ffmpegTestSource...),
			"-c:v", "libx264", "-c:a", "aac", "-t", "15", "-f", "mpegts", srtURL(s, "publish:main:"+testKey, ""))
		_, err := execFFmpeg(ffmpeg, 20*time.Second, args...)
		done <- err
	}()
	select {
	case <-rec.published:
	case <-time.After(10 * time.Second):
		t.Fatal("nothing was published")
	}
	closed := make(chan struct{})
	go func() {
		s.Close()
		close(closed)
	}()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
	if err := <-rec.ended; err != nil {
		t.Errorf("Run returned %v after Close, want nil", err)
	}
	select {
	case <-done:
	case <-time.After(15 * time.Second):
		t.Fatal("ffmpeg went on after the server closed")
	}
	checkNoLeaks(t, base)
}
