package segmenter

import (
	"strings"
	"testing"

	"github.com/llcast/llcast/ingest"
)

func TestStartGate(t *testing.T) {
	video := &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000}
	audio := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000}
	// "P" and "I" are video frames (non-IDR, IDR), "a" audio; the number
	// tells them apart.
	sample := func(label string) ingest.Sample {
		switch label[0] {
		case 'I':
			return ingest.Sample{Track: video, Units: [][]byte{{0x65}}, PTS: int64(label[1])}
		case 'P':
			return ingest.Sample{Track: video, Units: [][]byte{{0x41}}, PTS: int64(label[1])}
		}
		return ingest.Sample{Track: audio, PTS: int64(label[1])}
	}
	label := func(s ingest.Sample) string {
		if !s.Track.IsVideo() {
			return "a" + string(rune(s.PTS))
		}
		if s.Units[0][0] == 0x65 {
			return "I" + string(rune(s.PTS))
		}
		return "P" + string(rune(s.PTS))
	}
	cases := []struct {
		name   string
		tracks []*ingest.Track
		in     string
		want   string
	}{
		{"audio between the first IDR and the next frame waits for that frame", []*ingest.Track{video, audio},
			"a0 P1 a1 I2 a2 a3 P3 a4", "a0 P1 a1 I2 P3 a2 a3 a4"},
		{"later IDRs change nothing", []*ingest.Track{video, audio},
			"I1 a1 P2 a2 I3 a3 P4", "I1 P2 a1 a2 I3 a3 P4"},
		{"without video nothing waits", []*ingest.Track{audio}, "a1 a2", "a1 a2"},
		{"video alone", []*ingest.Track{video}, "P1 I2 P3", "P1 I2 P3"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			g := newStartGate(c.tracks)
			var got []string
			for _, l := range strings.Fields(c.in) {
				g.pass(sample(l), func(s ingest.Sample) { got = append(got, label(s)) })
			}
			if strings.Join(got, " ") != c.want {
				t.Fatalf("wrote %q, want %q", strings.Join(got, " "), c.want)
			}
		})
	}
}

func TestStartGateOpensWhenVideoStops(t *testing.T) {
	video := &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000}
	audio := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000}
	g := newStartGate([]*ingest.Track{video, audio})
	written := 0
	write := func(ingest.Sample) { written++ }
	g.pass(ingest.Sample{Track: video, Units: [][]byte{{0x65}}}, write)
	for range maxGateHeld + 1 {
		g.pass(ingest.Sample{Track: audio}, write)
	}
	if written != maxGateHeld+2 || len(g.held) != 0 || !g.open {
		t.Fatalf("after the IDR and %d audio samples: %d written, %d held, open %v", maxGateHeld+1, written, len(g.held), g.open)
	}
}
