package llhls

import (
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// TestMuxerDiscontinue: a publisher reconnects mid-GOP; its first IDR
// begins a segment at once, marked EXT-X-DISCONTINUITY in the video and
// the audio playlist alike, and the discontinuity is counted once it
// has left the window.
func TestMuxerDiscontinue(t *testing.T) {
	v, a := videoTrack(), aacTrack()
	now := t0
	m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v, a}, Now: func() time.Time { return now }, SegmentCount: 6})
	audioAt := 0
	// write video frame n (IDR when idr) and the audio up to its time.
	write := func(n int, idr bool) {
		t.Helper()
		f := frame{n: n, dts: int64(n) * 3000, pts: int64(n) * 3000, idr: idr}
		now = t0.Add(ticksToDuration(f.dts, 90000))
		if err := m.WriteSample(f.sample(v)); err != nil {
			t.Fatal(err)
		}
		for ; ticksToDuration(int64(audioAt)*1024, 48000) <= ticksToDuration(f.dts, 90000); audioAt++ {
			if err := m.WriteSample(aacSample(a, audioAt, 0)); err != nil {
				t.Fatal(err)
			}
		}
	}
	const swap = 75 // 2.5 s: the new publisher's first IDR
	for n := range swap {
		write(n, n%30 == 0)
	}
	m.Discontinue()
	for n := swap; n < swap+30*12; n++ {
		write(n, (n-swap)%30 == 0)
		if n == swap+40 {
			checkDiscontinuity(t, m, 3, 0)
		}
	}
	checkDiscontinuity(t, m, -1, 1)
}

// checkDiscontinuity checks that video and audio agree: msn ≥ 0 is the
// segment marked as a discontinuity, its predecessor half a second long;
// seq is EXT-X-DISCONTINUITY-SEQUENCE.
func checkDiscontinuity(t *testing.T, m *Muxer, msn, seq int) {
	t.Helper()
	for _, name := range []string{"video.m3u8", "audio.m3u8"} {
		pl := mediaOf(t, get(t, m, name).Body.Bytes())
		gotSeq := 0
		if pl.DiscontinuitySequence != nil {
			gotSeq = *pl.DiscontinuitySequence
		}
		if gotSeq != seq {
			t.Errorf("%s: EXT-X-DISCONTINUITY-SEQUENCE %d, want %d", name, gotSeq, seq)
		}
		for i, s := range pl.Segments {
			at := pl.MediaSequence + i
			if s.Discontinuity != (at == msn) {
				t.Errorf("%s: segment %d discontinuity %v, want %v", name, at, s.Discontinuity, at == msn)
			}
			if at == msn-1 && !near(s.Duration, 500*time.Millisecond, 25*time.Millisecond) {
				t.Errorf("%s: the segment before the discontinuity lasts %v, want 0.5 s", name, s.Duration)
			}
		}
	}
}
