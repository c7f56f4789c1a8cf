package srt

import (
	"context"
	"errors"
	"fmt"
	"image"
	"net"
	"net/url"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

// encodedSamples encodes frames pictures at 30 fps and the matching AAC
// frames, timed as llcast's pipeline times them (audio moved back by the
// encoder's delay).
func encodedSamples(t *testing.T, frames int) (video, audio *ingest.Track, vs, as []ingest.Sample) {
	t.Helper()
	venc := &ingest.H264Encoder{Width: 320, Height: 240, FPS: 30, KeyframeInterval: 15}
	if err := venc.Start(); err != nil {
		t.Fatal(err)
	}
	defer venc.Close()
	aenc := &ingest.AACEncoder{SampleRate: 48000, Channels: 2}
	if err := aenc.Start(); err != nil {
		t.Fatal(err)
	}
	defer aenc.Close()
	video = &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: 320, Height: 240, FPS: 30, ConstantRate: true}
	audio = &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000, SampleRate: 48000, Channels: 2, AACConfig: aenc.Config()}

	img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
	for n := range frames {
		for i := range img.Y {
			img.Y[i] = byte(i/320*2 + n*5)
		}
		au, err := venc.Encode(img)
		if err != nil {
			t.Fatal(err)
		}
		if len(au) == 0 {
			t.Fatal("the encoder held a picture back")
		}
		pts := int64(n) * 3000
		vs = append(vs, ingest.Sample{Track: video, PTS: pts, DTS: pts, Units: au})
	}
	pcm := make([]int16, aenc.FrameSamples()*2)
	for k := range frames * 3000 / 1920 {
		for i := range pcm {
			pcm[i] = int16((k*len(pcm) + i) % 2000)
		}
		au, err := aenc.Encode(pcm)
		if err != nil {
			t.Fatal(err)
		}
		pts := int64(k*1024 - aenc.Delay())
		as = append(as, ingest.Sample{Track: audio, PTS: pts, DTS: pts, Units: [][]byte{au}})
	}
	return video, audio, vs, as
}

func serverURL(t *testing.T, s *Server, query string) *url.URL {
	t.Helper()
	u, err := url.Parse(fmt.Sprintf("srt://127.0.0.1:%d%s", s.Addr().(*net.UDPAddr).Port, query))
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// dialTest dials s (query carries SRT options) to publish the stream
// "main" and closes the sender when the test ends.
func dialTest(t *testing.T, s *Server, query string, tracks ...*ingest.Track) ingest.Sender {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snd, err := Dial(ctx, serverURL(t, s, query), "main", testKey, tracks)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = snd.Close() })
	return snd
}

// send writes samples in order.
func send(t *testing.T, snd ingest.Sender, samples []ingest.Sample) {
	t.Helper()
	for i, smp := range samples {
		if err := snd.Write(smp); err != nil {
			t.Fatalf("write sample %d: %v", i, err)
		}
	}
}

func TestSenderRoundTrip(t *testing.T) {
	video, audio, vs, as := encodedSamples(t, 45)
	rec := newRecorder()
	s, _ := startServer(t, rec, "")
	snd := dialTest(t, s, "", video, audio)

	// The server starts the stream at the first picture; after it, the
	// pipeline's two loops write at the same time.
	if err := snd.Write(vs[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i, list := range [][]ingest.Sample{vs[1:], as} {
		wg.Go(func() {
			for _, smp := range list {
				if errs[i] = snd.Write(smp); errs[i] != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}

	// The MPEG-TS reader hands a PES on when the next one of its track
	// starts, so the last of each track may stay behind until the
	// connection ends. Each track is waited for on its own: one may be
	// complete while the other still arrives.
	rec.WaitSamplesOf(t, ingest.CodecH264, len(vs)-1)
	rec.WaitSamplesOf(t, ingest.CodecAAC, len(as)-1)
	if st := snd.Stats(); st.Bytes == 0 {
		t.Errorf("sender stats report no bytes: %+v", st)
	}

	tracks, got := rec.Tracks(), rec.Samples()
	if len(tracks) != 2 || tracks[0].Codec != ingest.CodecH264 || tracks[0].Width != 320 || tracks[0].Height != 240 ||
		tracks[1].Codec != ingest.CodecAAC || tracks[1].ClockRate != 48000 || tracks[1].Channels != 2 {
		t.Fatalf("tracks = %v, %v", tracks[0], tracks[1])
	}
	sent := map[ingest.Codec][]ingest.Sample{ingest.CodecH264: vs, ingest.CodecAAC: as}
	next := map[ingest.Codec]int{}
	for _, g := range got {
		c := g.Track.Codec
		i := next[c]
		next[c]++
		w := sent[c][i]
		if d := g.PTS - w.PTS; d < -1 || d > 1 {
			t.Fatalf("%s sample %d: PTS %d, sent %d", c, i, g.PTS, w.PTS)
		}
		if d := g.DTS - w.DTS; d < -1 || d > 1 {
			t.Fatalf("%s sample %d: DTS %d, sent %d", c, i, g.DTS, w.DTS)
		}
		if !slices.EqualFunc(g.Units, w.Units, slices.Equal) {
			t.Fatalf("%s sample %d: %d units differ from the %d sent", c, i, len(g.Units), len(w.Units))
		}
	}
	if next[ingest.CodecH264] < len(vs)-1 || next[ingest.CodecAAC] < len(as)-1 {
		t.Fatalf("got %v samples, sent %d video and %d audio", next, len(vs), len(as))
	}
}

func TestSenderRefused(t *testing.T) {
	video, audio, _, _ := encodedSamples(t, 1)
	s, _ := startServer(t, newRecorder(), "")
	ls, _ := startServer(t, newRecorder(), "0123456789abc")
	for _, c := range []struct {
		name, stream, key string
		server            *Server
		query             string
		want              error
		says              string
	}{
		{"wrong key", "main", "nope", s, "", ingest.ErrBadKey, ""},
		{"unknown stream", "other", testKey, s, "", ingest.ErrUnknownStream, ""},
		{"busy", "busy", testKey, s, "", ingest.ErrStreamBusy, ""},
		{"no passphrase", "main", testKey, ls, "", nil, "passphrase"},
		{"wrong passphrase", "main", testKey, ls, "?passphrase=0123456789xyz", nil, "passphrase"},
		{"unexpected passphrase", "main", testKey, s, "?passphrase=0123456789abc", nil, "passphrase"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
			defer cancel()
			snd, err := Dial(ctx, serverURL(t, c.server, c.query), c.stream, c.key, []*ingest.Track{video, audio})
			if err == nil {
				snd.Close()
				t.Fatal("Dial succeeded")
			}
			if !strings.Contains(err.Error(), "refused") {
				t.Errorf("error %q does not say refused", err)
			}
			if c.want != nil && !errors.Is(err, c.want) {
				t.Errorf("error %q does not wrap %q", err, c.want)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("error %q does not say %q", err, c.says)
			}
			if strings.Contains(err.Error(), c.key) {
				t.Errorf("error %q holds the key", err)
			}
		})
	}
}

// interleaved is the samples of a short stream in the order the pipeline
// would write them: a picture first, then sound. The server reads until it
// has seen both tracks.
func interleaved(vs, as []ingest.Sample) []ingest.Sample {
	return append(append(vs[:1:1], as...), vs[1:]...)
}

// publishTwoPictures starts a server with passphrase, has a sender dial
// it with query and send two pictures and their sound, and waits for the
// server to publish them. It returns the server, the sender and the first
// picture.
func publishTwoPictures(t *testing.T, passphrase, query string) (*Server, ingest.Sender, ingest.Sample) {
	t.Helper()
	video, audio, vs, as := encodedSamples(t, 2)
	rec := newRecorder()
	s, _ := startServer(t, rec, passphrase)
	snd := dialTest(t, s, query, video, audio)
	send(t, snd, interleaved(vs, as))
	rec.WaitPublished(t)
	return s, snd, vs[0]
}

func TestSenderPassphrase(t *testing.T) {
	publishTwoPictures(t, "0123456789abc", "?passphrase=0123456789abc&latency=50")
}

func TestSenderCloseLeaksNothing(t *testing.T) {
	video, audio, vs, as := encodedSamples(t, 2)
	rec := newRecorder()
	s, _ := startServer(t, rec, "")
	base := runtime.NumGoroutine()
	for range 3 {
		snd := dialTest(t, s, "", video, audio)
		send(t, snd, interleaved(vs, as))
		rec.WaitPublished(t)
		snd.Close()
		if err := snd.Write(vs[0]); err == nil {
			t.Fatal("Write after Close succeeded")
		}
	}
	// gosrt's dialer leaks its socket reader when Close runs before the
	// reader, woken by the closed socket, reaches its send on doneChan
	// (dial.go: Close only polls the channel once). It is rare and only
	// ever that goroutine.
	ingesttest.CheckNoLeaks(t, base, "[chan send]", "gosrt.DialWithContext")
}

func TestSenderNoticesServerClose(t *testing.T) {
	s, snd, picture := publishTwoPictures(t, "", "")
	s.Close()
	ingesttest.WaitFor(t, "a failed Write", func() bool {
		return snd.Write(picture) != nil
	})
	for range 10 {
		if snd.Write(picture) == nil {
			t.Fatal("a Write after a failed one succeeded")
		}
	}
}
