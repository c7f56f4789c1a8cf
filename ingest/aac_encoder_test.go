package ingest

import (
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

func TestAACEncoderBadConfig(t *testing.T) {
	for _, tc := range []struct {
		name  string
		enc   AACEncoder
		field string
	}{
		{"three channels", AACEncoder{Channels: 3}, "Channels"},
		{"negative channels", AACEncoder{Channels: -1}, "Channels"},
		{"negative sample rate", AACEncoder{SampleRate: -1}, "SampleRate"},
		{"unsupported sample rate", AACEncoder{SampleRate: 44000}, "SampleRate"},
		{"negative bitrate", AACEncoder{Bitrate: -1}, "Bitrate"},
		{"bitrate too low", AACEncoder{Channels: 2, Bitrate: 7999}, "Bitrate"},
		{"bitrate too high", AACEncoder{Channels: 1, Bitrate: 160_001}, "Bitrate"},
		{"bitrate too high for sample rate", AACEncoder{SampleRate: 8000, Channels: 1, Bitrate: 64000}, "Bitrate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.enc
			err := e.Start()
			if err == nil {
				e.Close()
				t.Fatal("Start succeeded, want an error")
			}
			if !strings.Contains(err.Error(), tc.field) {
				t.Fatalf("error %q does not name %s", err, tc.field)
			}
		})
	}
}

func TestAACEncoderWrongLength(t *testing.T) {
	e := AACEncoder{}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	defer e.Close()

	for _, n := range []int{0, 1, 1024, 2047, 2049, 4096} {
		if _, err := e.Encode(make([]int16, n)); err == nil {
			t.Errorf("Encode of %d samples succeeded, want an error", n)
		}
	}
	// A rejected call must not have disturbed the encoder.
	if _, err := e.Encode(make([]int16, 2048)); err != nil {
		t.Fatal(err)
	}
}

func TestAACEncoderCloseTwice(t *testing.T) {
	var never AACEncoder
	never.Close()

	e := AACEncoder{}
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	e.Close()
	e.Close()
	if _, err := e.Encode(make([]int16, 2048)); err == nil {
		t.Fatal("Encode after Close succeeded, want an error")
	}
}

// TestAACEncoderSine decodes the output with ffmpeg, so that a stream that is
// well-formed but does not carry the input fails.
func TestAACEncoderSine(t *testing.T) {
	for _, tc := range []struct {
		name     string
		enc      AACEncoder
		channels int
		rate     int
	}{
		{"48 kHz stereo defaults", AACEncoder{}, 2, 48000},
		{"44.1 kHz mono", AACEncoder{SampleRate: 44100, Channels: 1, Bitrate: 64000}, 1, 44100},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := tc.enc
			if err := e.Start(); err != nil {
				t.Fatal(err)
			}
			defer e.Close()

			conf := e.Config()
			if conf.Type != mpeg4audio.ObjectTypeAACLC || conf.SampleRate != tc.rate ||
				int(conf.ChannelConfig) != tc.channels {
				t.Fatalf("unexpected config %+v", conf)
			}

			const freq, amplitude = 1000.0, 0.5 * math.MaxInt16
			fs := e.FrameSamples()
			frames := (3*tc.rate + fs - 1) / fs
			var pkts mpeg4audio.ADTSPackets
			pcm := make([]int16, fs*tc.channels)
			for f := range frames {
				for i := range fs {
					v := int16(amplitude * math.Sin(2*math.Pi*freq*float64(f*fs+i)/float64(tc.rate)))
					for c := range tc.channels {
						pcm[i*tc.channels+c] = v
					}
				}
				au, err := e.Encode(pcm)
				if err != nil {
					t.Fatalf("frame %d: %v", f, err)
				}
				if len(au) == 0 || len(au) >= 2048 {
					t.Fatalf("frame %d: access unit of %d bytes", f, len(au))
				}
				pkts = append(pkts, &mpeg4audio.ADTSPacket{
					Type:          conf.Type,
					SampleRate:    conf.SampleRate,
					ChannelConfig: conf.ChannelConfig,
					AU:            au,
				})
			}
			buf, err := pkts.Marshal()
			if err != nil {
				t.Fatal(err)
			}
			path := filepath.Join(t.TempDir(), "sine.aac")
			if err := os.WriteFile(path, buf, 0o600); err != nil {
				t.Fatal(err)
			}

			cmd := exec.Command("ffmpeg", "-v", "error", "-i", path,
				"-f", "s16le", "-ac", "1", "-ar", strconv.Itoa(tc.rate), "-")
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			raw, err := cmd.Output()
			if err != nil {
				t.Fatalf("ffmpeg: %v: %s", err, stderr.Bytes())
			}
			dec := make([]float64, len(raw)/2)
			for i := range dec {
				dec[i] = float64(int16(binary.LittleEndian.Uint16(raw[2*i:])))
			}
			if d := float64(len(dec)) / float64(tc.rate); d < 2.9 {
				t.Fatalf("decoded %.3f s, want at least 2.9 s", d)
			}

			// Skip the encoder delay and the decoder's start-up.
			body := dec[tc.rate/5 : len(dec)-tc.rate/10]
			var sum float64
			for _, v := range body {
				sum += v * v
			}
			rms := math.Sqrt(sum / float64(len(body)))
			if want := amplitude / math.Sqrt2; math.Abs(rms-want) > 0.1*want {
				t.Errorf("decoded RMS %.0f, want %.0f ±10%%", rms, want)
			}
			p1k := goertzel(body, freq, tc.rate)
			for _, other := range []float64{500, 2000, 3000} {
				if p := goertzel(body, other, tc.rate); p*1000 > p1k {
					t.Errorf("power at %.0f Hz is %.3g, too close to %.3g at 1 kHz", other, p, p1k)
				}
			}
		})
	}
}

// goertzel returns the power of x at freq.
func goertzel(x []float64, freq float64, rate int) float64 {
	coeff := 2 * math.Cos(2*math.Pi*freq/float64(rate))
	var s1, s2 float64
	for _, v := range x {
		s1, s2 = v+coeff*s1-s2, s1
	}
	return s1*s1 + s2*s2 - coeff*s1*s2
}
