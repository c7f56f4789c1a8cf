package rtmp

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"image"
	"math"
	"math/big"
	"net"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

// testStream is a few seconds of real H.264 and AAC (or stand-in Opus)
// samples, in the order a pipeline would send them.
type testStream struct {
	tracks  []*ingest.Track
	samples []ingest.Sample
}

// newTestStream encodes frames pictures at 30 fps and the audio that
// lasts as long.
func newTestStream(t *testing.T, audio ingest.Codec, frames int) *testStream {
	t.Helper()
	enc := &ingest.H264Encoder{Width: 320, Height: 240, FPS: 30}
	if err := enc.Start(); err != nil {
		t.Fatal(err)
	}
	defer enc.Close()
	video := &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: 320, Height: 240, FPS: 30, ConstantRate: true}
	ts := &testStream{tracks: []*ingest.Track{video}}
	var vs []ingest.Sample
	start := time.Now()
	for i := range frames {
		img := image.NewYCbCr(image.Rect(0, 0, 320, 240), image.YCbCrSubsampleRatio420)
		for j := range img.Y {
			img.Y[j] = byte(j + 7*i)
		}
		for j := range img.Cb {
			img.Cb[j], img.Cr[j] = 128, byte(i)
		}
		au, err := enc.Encode(img)
		if err != nil {
			t.Fatal(err)
		}
		pts := int64(i) * 3000
		vs = append(vs, ingest.Sample{Track: video, PTS: pts, DTS: pts, NTP: start.Add(time.Duration(i) * time.Second / 30), Units: au})
	}

	var as []ingest.Sample
	end := time.Duration(frames) * time.Second / 30
	switch audio {
	case ingest.CodecAAC:
		aac := &ingest.AACEncoder{SampleRate: 48000, Channels: 2}
		if err := aac.Start(); err != nil {
			t.Fatal(err)
		}
		defer aac.Close()
		track := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000, SampleRate: 48000, Channels: 2, AACConfig: aac.Config()}
		ts.tracks = append(ts.tracks, track)
		n := aac.FrameSamples()
		for i := 0; time.Duration(i*n)*time.Second/48000 < end; i++ {
			pcm := make([]int16, 2*n)
			for j := range n {
				v := int16(8000 * math.Sin(2*math.Pi*440*float64(i*n+j)/48000))
				pcm[2*j], pcm[2*j+1] = v, v
			}
			au, err := aac.Encode(pcm)
			if err != nil {
				t.Fatal(err)
			}
			if len(au) == 0 {
				continue
			}
			pts := int64(i * n)
			as = append(as, ingest.Sample{Track: track, PTS: pts, DTS: pts, Units: [][]byte{au}})
		}
	case ingest.CodecOpus:
		track := &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 2}
		ts.tracks = append(ts.tracks, track)
		for i := 0; time.Duration(i)*20*time.Millisecond < end; i++ {
			// The server passes Opus packets through without decoding them.
			pkt := []byte{0xfc, byte(i), byte(i >> 8), 0x55, 0xaa}
			pts := int64(i * 960)
			as = append(as, ingest.Sample{Track: track, PTS: pts, DTS: pts, Units: [][]byte{pkt}})
		}
	}

	// Interleave by time, video first on a tie: the sender drops audio
	// until the first IDR.
	for len(vs) > 0 || len(as) > 0 {
		if len(as) == 0 || (len(vs) > 0 && vs[0].Duration() <= as[0].Duration()) {
			ts.samples, vs = append(ts.samples, vs[0]), vs[1:]
		} else {
			ts.samples, as = append(ts.samples, as[0]), as[1:]
		}
	}
	return ts
}

func (ts *testStream) send(t *testing.T, snd ingest.Sender) {
	t.Helper()
	for i, s := range ts.samples {
		if err := snd.Write(s); err != nil {
			t.Fatalf("write sample %d: %v", i, err)
		}
	}
}

// sendConcurrently writes each track's samples from its own goroutine, as
// the pipeline's video and audio loops do, after the first IDR.
func (ts *testStream) sendConcurrently(t *testing.T, snd ingest.Sender) {
	t.Helper()
	if err := snd.Write(ts.samples[0]); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(ts.tracks))
	for _, track := range ts.tracks {
		wg.Go(func() {
			for _, s := range ts.samples[1:] {
				if s.Track != track {
					continue
				}
				if err := snd.Write(s); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
}

func dialTest(t *testing.T, rawURL, stream, key string, tracks []*ingest.Track, tlsConfig *tls.Config) ingest.Sender {
	t.Helper()
	u, err := url.Parse(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snd, err := Dial(ctx, u, stream, key, tracks, tlsConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = snd.Close() })
	return snd
}

func TestSenderRoundTrip(t *testing.T) {
	cases := []struct {
		name       string
		audio      ingest.Codec
		tls        bool
		concurrent bool
	}{
		{"rtmp H.264 and AAC", ingest.CodecAAC, false, false},
		{"rtmp H.264 and Opus", ingest.CodecOpus, false, false},
		{"rtmps H.264 and AAC", ingest.CodecAAC, true, false},
		{"rtmp from two goroutines", ingest.CodecAAC, false, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			rec := ingesttest.NewRecorder("main", testKey)
			var serverTLS, clientTLS *tls.Config
			scheme := "rtmp"
			if c.tls {
				serverTLS, clientTLS = selfSigned(t), &tls.Config{InsecureSkipVerify: true} //nolint:gosec // the test's own certificate
				scheme = "rtmps"
			}
			s, logs := startServer(t, rec, func(s *Server) { s.TLSConfig = serverTLS })
			stream := newTestStream(t, c.audio, 90)
			snd := dialTest(t, scheme+"://"+s.Addr().String()+"/live", "main", testKey, stream.tracks, clientTLS)
			if c.concurrent {
				stream.sendConcurrently(t, snd)
			} else {
				stream.send(t, snd)
			}
			if snd.Stats().Bytes == 0 {
				t.Error("Stats reports no bytes sent")
			}
			if err := snd.Close(); err != nil {
				t.Fatal(err)
			}
			rec.WaitEnded(t)

			if p := rec.Publications()[0]; p.Protocol != scheme || p.Stream != "main" {
				t.Errorf("publication = %+v", p)
			}
			for _, sent := range stream.tracks {
				got := rec.Track(sent.Codec)
				if got == nil {
					t.Fatalf("no %s track arrived: %s", sent.Codec, ingest.DescribeTracks(rec.Tracks()))
				}
				if got.ClockRate != sent.ClockRate || got.Width != sent.Width || got.Height != sent.Height ||
					got.SampleRate != sent.SampleRate || got.Channels != sent.Channels {
					t.Errorf("track %+v arrived as %+v", sent, got)
				}
				compareSamples(t, sent, rec.SamplesOf(sent.Codec), stream.samples)
			}
			if strings.Contains(logs.String(), testKey) {
				t.Errorf("the log holds the key:\n%s", logs)
			}
		})
	}
}

// compareSamples checks that the samples of track sent all arrived, with
// their payloads and with times within the millisecond RTMP counts in.
func compareSamples(t *testing.T, track *ingest.Track, got, all []ingest.Sample) {
	t.Helper()
	var want []ingest.Sample
	for _, s := range all {
		if s.Track == track {
			want = append(want, s)
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d samples arrived, %d sent", track.Codec, len(got), len(want))
	}
	tolerance := int64(track.ClockRate / 1000)
	for i := range want {
		w, g := want[i], got[i]
		if d := g.PTS - w.PTS; d > tolerance || d < -tolerance {
			t.Fatalf("%s sample %d: PTS %d, sent %d", track.Codec, i, g.PTS, w.PTS)
		}
		if d := g.DTS - w.DTS; d > tolerance || d < -tolerance {
			t.Fatalf("%s sample %d: DTS %d, sent %d", track.Codec, i, g.DTS, w.DTS)
		}
		if !slices.EqualFunc(g.Units, w.Units, func(a, b []byte) bool { return string(a) == string(b) }) {
			t.Fatalf("%s sample %d: payload differs", track.Codec, i)
		}
	}
}

func TestSenderRefused(t *testing.T) {
	rec := ingesttest.NewRecorder("main", testKey)
	s, _ := startServer(t, rec, nil)
	u, _ := url.Parse(rtmpURL(s, ""))
	stream := newTestStream(t, ingest.CodecAAC, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	snd, err := Dial(ctx, u, "main", "wrong"+testKey, stream.tracks, nil)
	if err == nil {
		_ = snd.Close()
		t.Fatal("Dial succeeded with a wrong key")
	}
	if !strings.Contains(err.Error(), "refused") || strings.Contains(err.Error(), testKey) {
		t.Errorf("Dial() = %v, want a refusal that does not quote the key", err)
	}
}

func TestSenderWriteAfterServerLeft(t *testing.T) {
	s, _, stream, snd := publishTestStream(t)
	s.Close()
	ingesttest.WaitFor(t, "a failing write", func() bool { return snd.Write(stream.samples[0]) != nil })
}

func TestPublishURL(t *testing.T) {
	cases := []struct {
		in, want string
	}{
		{"rtmp://example.org", "rtmp://example.org:1935/live#main?key=k%2By"},
		{"rtmp://example.org/", "rtmp://example.org:1935/live#main?key=k%2By"},
		{"rtmps://example.org", "rtmps://example.org:1936/live#main?key=k%2By"},
		{"rtmp://example.org:2000/live", "rtmp://example.org:2000/live#main?key=k%2By"},
		{"rtmp://[::1]:2000/app/", "rtmp://[::1]:2000/app#main?key=k%2By"},
		{"srt://example.org", ""},
		{"rtmp:///live", ""},
	}
	for _, c := range cases {
		t.Run(c.in, func(t *testing.T) {
			u, err := url.Parse(c.in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := publishURL(u, "main", "k+y")
			if c.want == "" {
				if err == nil {
					t.Fatalf("publishURL() = %v, want an error", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s := got.Scheme + "://" + got.Host + got.Path + "#" + got.Fragment; s != c.want {
				t.Errorf("publishURL() = %s, want %s", s, c.want)
			}
		})
	}
}

// selfSigned returns a server TLS configuration with a fresh certificate
// for 127.0.0.1.
func selfSigned(t *testing.T) *tls.Config {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "llcast test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
}
