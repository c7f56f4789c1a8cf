package srt

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/substructs"

	"github.com/llcast/llcast/ingest"
)

// newTSWriter returns an MPEG-TS writer of tracks into a buffer.
func newTSWriter(t *testing.T, tracks ...*mpegts.Track) (*mpegts.Writer, *bytes.Buffer) {
	t.Helper()
	var buf bytes.Buffer
	w := &mpegts.Writer{W: &buf, Tracks: tracks}
	if err := w.Initialize(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.WriteTables(); err != nil {
		t.Fatal(err)
	}
	return w, &buf
}

// readTS probes and runs a tsSource on data and returns its tracks, its
// samples and Run's error.
func readTS(t *testing.T, data []byte) ([]*ingest.Track, []ingest.Sample, error) {
	t.Helper()
	src := &tsSource{R: bytes.NewReader(data), Log: slog.New(slog.DiscardHandler)}
	if err := src.probe(); err != nil {
		return nil, nil, err
	}
	var got []ingest.Sample
	err := src.Run(context.Background(), func(s ingest.Sample) { got = append(got, s) })
	return src.Tracks(), got, err
}

func withoutParamSets(au [][]byte) [][]byte {
	return slices.DeleteFunc(slices.Clone(au), func(n []byte) bool {
		typ := h264.NALUType(n[0] & 0x1f)
		return typ == h264.NALUTypeSPS || typ == h264.NALUTypePPS
	})
}

// TestTSSourceTimeline feeds timestamps that wrap around 2^33 half a second
// in, B-frame-like PTS, AAC PES packets of three access units, and an IDR
// without its SPS and PPS.
func TestTSSourceTimeline(t *testing.T) {
	_, audio, vs, as := encodedSamples(t, 30)
	vt := &mpegts.Track{Codec: &codecs.H264{}}
	at := &mpegts.Track{Codec: &codecs.MPEG4Audio{Config: audio.AACConfig}}
	w, buf := newTSWriter(t, vt, at)

	const start = tsMask - 45000 // 0.5 s before the wrap
	wire := func(ticks int64) int64 { return (start + ticks) & tsMask }
	const reorder = 6000 // every picture after the first shown 2 frames after it is decoded

	k := 0
	for n, smp := range vs {
		au := smp.Units
		if n == 15 {
			au = withoutParamSets(au) // an encoder that sends them once
		}
		pts := smp.DTS
		if n > 0 {
			pts += reorder
		}
		if err := w.WriteH264(vt, wire(pts), wire(smp.DTS), au); err != nil {
			t.Fatal(err)
		}
		for ; k+3 <= len(as) && as[k].PTS*90000/48000 <= smp.DTS; k += 3 {
			aus := [][]byte{as[k].Units[0], as[k+1].Units[0], as[k+2].Units[0]}
			if err := w.WriteMPEG4Audio(at, wire(as[k].PTS*90000/48000), aus); err != nil {
				t.Fatal(err)
			}
		}
	}

	tracks, got, err := readTS(t, buf.Bytes())
	if !errors.Is(err, io.EOF) {
		t.Fatalf("Run returned %v, want io.EOF at the end of the data", err)
	}
	if len(tracks) != 2 || tracks[0].Width != 320 || tracks[0].Height != 240 || tracks[1].SampleRate != 48000 ||
		tracks[1].Channels != 2 {
		t.Fatalf("tracks: %+v, %+v", tracks[0], tracks[1])
	}
	var gv, ga []ingest.Sample
	for _, s := range got {
		if s.Track == tracks[0] {
			gv = append(gv, s)
		} else {
			ga = append(ga, s)
		}
	}
	if len(gv) < len(vs)-1 || len(ga) < k-3 {
		t.Fatalf("got %d video and %d audio samples, sent %d and %d", len(gv), len(ga), len(vs), k)
	}
	for n, s := range gv {
		wantPTS := vs[n].DTS
		if n > 0 {
			wantPTS += reorder
		}
		if s.DTS != vs[n].DTS || s.PTS != wantPTS {
			t.Fatalf("video %d: PTS/DTS %d/%d, want %d/%d", n, s.PTS, s.DTS, wantPTS, vs[n].DTS)
		}
		if !slices.EqualFunc(s.Units, vs[n].Units, slices.Equal) {
			t.Fatalf("video %d: NAL units differ from those sent", n)
		}
		// The data came in one burst: the wall clock never runs ahead of
		// the arrival, nor goes back.
		if s.NTP.After(time.Now()) || (n > 0 && s.NTP.Before(gv[n-1].NTP)) {
			t.Fatalf("video %d: wall clock %s after %s, or ahead of now", n, s.NTP, gv[max(n-1, 0)].NTP)
		}
	}
	for i, s := range ga {
		if s.PTS != as[i].PTS || s.DTS != as[i].PTS || !slices.Equal(s.Units[0], as[i].Units[0]) {
			t.Fatalf("audio %d: PTS/DTS %d/%d, want %d", i, s.PTS, s.DTS, as[i].PTS)
		}
	}
}

func TestTSSourceNoKeyframe(t *testing.T) {
	_, _, vs, _ := encodedSamples(t, 2)
	vt := &mpegts.Track{Codec: &codecs.H264{}}
	w, buf := newTSWriter(t, vt)
	for n := range 200 {
		if err := w.WriteH264(vt, int64(n)*3000, int64(n)*3000, vs[1].Units); err != nil {
			t.Fatal(err)
		}
	}
	_, _, err := readTS(t, buf.Bytes())
	if err == nil || !strings.Contains(err.Error(), "keyframe interval") {
		t.Fatalf("error = %v, want one about the keyframe interval", err)
	}
}

func TestTSSourceUnsupportedCodecs(t *testing.T) {
	for _, c := range []struct {
		codec codecs.Codec
		name  string
	}{
		{&codecs.H265{}, "H.265"},
		{&codecs.MPEG1Audio{}, "MPEG-1 Audio"},
		{&codecs.MPEG4Video{}, "MPEG-4 Video"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, buf := newTSWriter(t, &mpegts.Track{Codec: &codecs.H264{}}, &mpegts.Track{Codec: c.codec})
			_, _, err := readTS(t, buf.Bytes())
			if !errors.Is(err, ingest.ErrUnsupportedCodec) || !strings.Contains(err.Error(), c.name) {
				t.Fatalf("error = %v, want ErrUnsupportedCodec naming %s", err, c.name)
			}
		})
	}
}

// TestTSSourceOpusOnly reads a stream of sound alone, with two Opus packets
// in one PES.
func TestTSSourceOpusOnly(t *testing.T) {
	ot := &mpegts.Track{Codec: &codecs.Opus{Desc: &substructs.OpusAudioDescriptor{ChannelConfigCode: 2}}}
	w, buf := newTSWriter(t, ot)
	pkt := []byte{0xf8, 1, 2, 3} // one 20 ms CELT frame
	const start = 123456
	for _, pes := range []struct {
		ticks int64
		n     int
	}{{0, 2}, {3600, 1}, {5400, 3}, {10800, 1}} {
		if err := w.WriteOpus(ot, start+pes.ticks, slices.Repeat([][]byte{pkt}, pes.n)); err != nil {
			t.Fatal(err)
		}
	}
	tracks, got, err := readTS(t, buf.Bytes())
	if !errors.Is(err, io.EOF) {
		t.Fatalf("Run returned %v, want io.EOF", err)
	}
	if len(tracks) != 1 || tracks[0].Codec != ingest.CodecOpus || tracks[0].ClockRate != 48000 || tracks[0].Channels != 2 {
		t.Fatalf("tracks = %+v", tracks)
	}
	var pts []int64
	for _, s := range got {
		pts = append(pts, s.PTS)
	}
	if want := []int64{0, 960, 1920, 2880, 3840, 4800, 5760}; !slices.Equal(pts, want) {
		t.Fatalf("PTS %v, want %v", pts, want)
	}
}
