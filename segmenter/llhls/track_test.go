package llhls

import (
	"bytes"
	"math"
	"net/http"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/llcast/llcast/ingest"
)

// wantPart is a part as the cutting should make it: n frames from first.
type wantPart struct{ msn, first, n int }

// partsOf lays parts of partFrames frames out in segments of the given
// lengths, each segment starting a part.
func partsOf(segFrames []int, partFrames int) []wantPart {
	var out []wantPart
	pos := 0
	for msn, n := range segFrames {
		for off := 0; off < n; off += partFrames {
			out = append(out, wantPart{msn: msn, first: pos + off, n: min(partFrames, n-off)})
		}
		pos += n
	}
	return out
}

func TestTrackCutsPartsAndSegments(t *testing.T) {
	cases := []struct {
		name string
		// gops are the frames of each GOP; the last only ends the one before.
		gops       []int
		bframes    bool
		part       time.Duration
		partFrames int   // in a full part
		wantSegs   []int // frames per segment
		wantTarget int
	}{
		{
			name: "IDR every 0.5 s, one on a part boundary", gops: []int{15, 15, 30, 30, 2},
			partFrames: 3, wantSegs: []int{30, 30, 30}, wantTarget: 1,
		},
		{
			name: "B-frames, a GOP longer than the target", gops: []int{31, 76, 16, 16, 31, 2}, bframes: true,
			partFrames: 3, wantSegs: []int{31, 76, 32, 31}, wantTarget: 3,
		},
		{
			name: "B-frames, 200 ms parts", gops: []int{31, 31, 46, 2}, bframes: true, part: 200 * time.Millisecond,
			partFrames: 6, wantSegs: []int{31, 31, 46}, wantTarget: 2,
		},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v := videoTrack()
			m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v}, PartDuration: tc.part})
			w := newWatcher(t, m, m.byName["video"])
			fs := frames(tc.gops, tc.bframes)
			for _, f := range fs {
				if err := m.WriteSample(f.sample(v)); err != nil {
					t.Fatal(err)
				}
				w.look()
			}

			if len(w.segs) != len(tc.wantSegs) {
				t.Fatalf("%d segments, want %d", len(w.segs), len(tc.wantSegs))
			}
			first := 0
			for i, s := range w.segs {
				want := time.Duration(tc.wantSegs[i]) * time.Second / 30
				if s.msn != i || !near(s.dur, want, 10*time.Microsecond) {
					t.Errorf("segment %d: MSN %d, EXTINF %v; want MSN %d, %v", i, s.msn, s.dur, i, want)
				}
				if pdt := fs[first].sample(v).NTP; !near(s.start.Sub(pdt), 0, time.Millisecond) {
					t.Errorf("segment %d: PROGRAM-DATE-TIME %v, want %v", i, s.start, pdt)
				}
				first += tc.wantSegs[i]
			}
			if w.last.TargetDuration != tc.wantTarget {
				t.Errorf("TARGETDURATION %d, want %d", w.last.TargetDuration, tc.wantTarget)
			}

			want := partsOf(tc.wantSegs, tc.partFrames)
			if len(w.parts) != len(want) {
				t.Fatalf("%d parts, want %d", len(w.parts), len(want))
			}
			partTarget := w.last.PartInf.PartTarget
			segBodies := make([][]byte, len(w.segs))
			for i, p := range w.parts {
				wp := want[i]
				wantDur := time.Duration(wp.n) * time.Second / 30
				if p.msn != wp.msn || !near(p.dur, wantDur, 10*time.Microsecond) {
					t.Errorf("part %d: segment %d, %v; want segment %d, %v", i, p.msn, p.dur, wp.msn, wantDur)
				}
				// RFC 8216bis 4.4.4.9: at most PART-TARGET, and at least 85%
				// of it but for independent parts and the last of a segment.
				last := i+1 == len(want) || want[i+1].msn != wp.msn
				if p.dur > partTarget || (p.dur < partTarget*85/100 && !p.indep && !last) {
					t.Errorf("part %d lasts %v, for a PART-TARGET of %v", i, p.dur, partTarget)
				}
				if p.indep != fs[wp.first].idr {
					t.Errorf("part %d: INDEPENDENT=%v, but its first frame is IDR: %v", i, p.indep, fs[wp.first].idr)
				}
				checkVideoPart(t, i, p.body, fs[wp.first:wp.first+wp.n])
				segBodies[p.msn] = append(segBodies[p.msn], p.body...)
			}
			for i, s := range w.segs {
				if !bytes.Equal(s.body, segBodies[i]) {
					t.Errorf("segment %d is not its parts put together", i)
				}
			}
			checkVideoInit(t, m)
		})
	}
}

// checkVideoPart parses an fMP4 part and compares its samples with fs.
func checkVideoPart(t *testing.T, i int, body []byte, fs []frame) {
	t.Helper()
	var parts fmp4.Parts
	if err := parts.Unmarshal(body); err != nil {
		t.Fatalf("part %d: %v", i, err)
	}
	if len(parts) != 1 || len(parts[0].Tracks) != 1 || parts[0].Tracks[0].ID != 1 {
		t.Fatalf("part %d: want one fragment of track 1", i)
	}
	tr := parts[0].Tracks[0]
	if want := uint64(fs[0].dts + originSeconds*90000); tr.BaseTime != want {
		t.Errorf("part %d: BaseTime %d, want %d", i, tr.BaseTime, want)
	}
	if len(tr.Samples) != len(fs) {
		t.Fatalf("part %d: %d samples, want %d", i, len(tr.Samples), len(fs))
	}
	for j, s := range tr.Samples {
		f := fs[j]
		if s.PTSOffset != int32(f.pts-f.dts) || s.Duration != 3000 || s.IsNonSyncSample == f.idr {
			t.Errorf("part %d sample %d: PTSOffset %d, Duration %d, non-sync %v; want %d, 3000, %v",
				i, j, s.PTSOffset, s.Duration, s.IsNonSyncSample, f.pts-f.dts, !f.idr)
		}
		au, err := s.GetH264()
		if err != nil || len(au) != 1 || !bytes.Equal(au[0], f.slice()) {
			t.Errorf("part %d sample %d: access unit %x (%v), want the slice %x alone", i, j, au, err, f.slice())
		}
	}
}

// checkVideoInit checks that the parameter sets went to the
// initialization section.
func checkVideoInit(t *testing.T, m *Muxer) {
	t.Helper()
	res := get(t, m, initName(m.prefix, "video"))
	var init fmp4.Init
	if err := init.Unmarshal(bytes.NewReader(res.Body.Bytes())); err != nil {
		t.Fatal(err)
	}
	codec, ok := init.Tracks[0].Codec.(*fmp4.CodecH264)
	if !ok || !bytes.Equal(codec.SPS, testSPS) || !bytes.Equal(codec.PPS, testPPS) || init.Tracks[0].TimeScale != 90000 {
		t.Errorf("init section: %#v", init.Tracks[0])
	}
}

func TestTrackDropsWhatItCannotTake(t *testing.T) {
	v := videoTrack()
	m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v}})
	idr := frame{idr: true}.sample(v)
	cases := []struct {
		name string
		s    ingest.Sample
	}{
		{"empty sample", ingest.Sample{Track: v, Units: nil}},
		{"more than 10 s before the start", ingest.Sample{Track: v, DTS: -11 * 90000, Units: idr.Units}},
		{"unknown track", ingest.Sample{Track: videoTrack(), Units: idr.Units}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if err := m.WriteSample(tc.s); err == nil {
				t.Error("taken")
			}
		})
	}
	if err := m.WriteSample(idr); err != nil {
		t.Fatal(err)
	}
	same := idr // the same decode time again
	if err := m.WriteSample(same); err == nil {
		t.Error("a decode time that does not move on was taken")
	}
}

// watcher reads a media playlist after every write, as a player polling it
// would, and keeps every segment and part the first time it is listed.
type watcher struct {
	t     *testing.T
	h     handler
	pl    *mediaPlaylist
	segs  []seenSegment
	parts []seenPart
	seen  map[string]bool
	last  *playlist.Media
}

type seenSegment struct {
	msn   int
	dur   time.Duration
	start time.Time
	body  []byte
}

type seenPart struct {
	msn   int // of the segment it belongs to
	dur   time.Duration
	indep bool
	body  []byte
}

func newWatcher(t *testing.T, h handler, pl *mediaPlaylist) *watcher {
	return &watcher{t: t, h: h, pl: pl, seen: map[string]bool{}}
}

func (w *watcher) look() {
	w.t.Helper()
	if !w.pl.current.Load().ready {
		return // a request would wait for it
	}
	res := get(w.t, w.h, w.pl.fileName())
	if res.Code != http.StatusOK {
		w.t.Fatalf("%s: %d", w.pl.fileName(), res.Code)
	}
	m := mediaOf(w.t, res.Body.Bytes())
	w.last = m
	for i, s := range m.Segments {
		if d := int(math.Round(s.Duration.Seconds())); d > m.TargetDuration {
			w.t.Errorf("EXTINF %v is above TARGETDURATION %d", s.Duration, m.TargetDuration)
		}
		msn := m.MediaSequence + i
		if n := len(w.segs); n == 0 || msn > w.segs[n-1].msn {
			w.segs = append(w.segs, seenSegment{msn: msn, dur: s.Duration, start: *s.DateTime, body: w.fetch(s.URI)})
		}
		for _, p := range s.Parts {
			w.part(msn, p)
		}
	}
	for _, p := range m.Parts {
		w.part(m.MediaSequence+len(m.Segments), p)
	}
}

func (w *watcher) part(msn int, p *playlist.MediaPart) {
	if w.seen[p.URI] {
		return
	}
	w.seen[p.URI] = true
	w.parts = append(w.parts, seenPart{msn: msn, dur: p.Duration, indep: p.Independent, body: w.fetch(p.URI)})
}

func (w *watcher) fetch(uri string) []byte {
	w.t.Helper()
	res := get(w.t, w.h, uri)
	if res.Code != http.StatusOK {
		w.t.Fatalf("%s: %d", uri, res.Code)
	}
	return res.Body.Bytes()
}

// TestTrackConstantRateClosesPartsAtOnce: a picture of a ConstantRate
// track lasts 1/FPS from when it arrives, so the part it completes is
// published with it; otherwise the part waits for the next picture, whose
// decode time gives the last one's duration.
func TestTrackConstantRateClosesPartsAtOnce(t *testing.T) {
	for _, constant := range []bool{false, true} {
		v := videoTrack()
		v.ConstantRate = constant
		m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v}})
		pl := m.byName["video"]
		fs := frames([]int{30}, false)
		// Three frames make a 100 ms part.
		for _, f := range fs[:3] {
			if err := m.WriteSample(f.sample(v)); err != nil {
				t.Fatal(err)
			}
		}
		if got, want := pl.nextPart, map[bool]int{false: 0, true: 1}[constant]; got != want {
			t.Fatalf("ConstantRate %v: %d parts after three frames, want %d", constant, got, want)
		}
		if err := m.WriteSample(fs[3].sample(v)); err != nil {
			t.Fatal(err)
		}
		if pl.nextPart != 1 || pl.parts[0].duration != 100*time.Millisecond {
			t.Fatalf("ConstantRate %v: after four frames %d parts, the first %v long", constant, pl.nextPart, pl.parts[0].duration)
		}
	}
}
