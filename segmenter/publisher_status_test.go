package segmenter

import (
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// TestPublisherMeter: the last whole second's bytes split by track, the
// frames that came in and those the stream took; zeros once a second
// passes without anything.
func TestPublisherMeter(t *testing.T) {
	video := &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000}
	audio := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000}
	start := time.Unix(1000, 0)
	var m publisherMeter
	for i := range 30 {
		now := start.Add(time.Duration(i) * time.Second / 30)
		v := ingest.Sample{Track: video, DTS: int64(i) * 3000, Units: [][]byte{make([]byte, 1000), make([]byte, 250)}}
		m.add(v, i == 0, now)
		if i%3 != 0 { // the stream took two frames in three
			m.wrote(v)
		}
		a := ingest.Sample{Track: audio, Units: [][]byte{make([]byte, 100)}}
		m.add(a, false, now)
		m.wrote(a)
	}
	if got := m.rates(start.Add(500 * time.Millisecond)); got != (meterCounts{}) {
		t.Errorf("within the first second: %+v, want zeros (no whole second yet)", got)
	}
	m.add(ingest.Sample{Track: audio, Units: [][]byte{{1}}}, false, start.Add(time.Second))
	want := meterCounts{video: 30 * 1250, audio: 30 * 100, frames: 30, framesOut: 20}
	if got := m.rates(start.Add(1500 * time.Millisecond)); got != want {
		t.Errorf("after a second: %+v, want %+v", got, want)
	}
	if got := m.rates(start.Add(3 * time.Second)); got != (meterCounts{}) {
		t.Errorf("after a silent second: %+v, want zeros", got)
	}
}
