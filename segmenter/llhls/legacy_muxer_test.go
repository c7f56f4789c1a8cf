package llhls

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"github.com/llcast/llcast/ingest"
)

func TestLegacyMuxerStartAndCarries(t *testing.T) {
	l := &LegacyMuxer{}
	for _, tc := range []struct {
		track *ingest.Track
		want  bool
	}{{videoTrack(), true}, {aacTrack(), true}, {opusTrack(), false}} {
		if got := l.Carries(tc.track); got != tc.want {
			t.Errorf("Carries(%s) = %v", tc.track.Codec, got)
		}
	}
	for name, m := range map[string]*LegacyMuxer{
		"Opus only":              {Tracks: []*ingest.Track{opusTrack()}},
		"two videos":             {Tracks: []*ingest.Track{videoTrack(), videoTrack()}},
		"short segments":         {Tracks: []*ingest.Track{videoTrack()}, SegmentDuration: 50 * time.Millisecond},
		"three segments":         {Tracks: []*ingest.Track{videoTrack()}, SegmentCount: 3},
		"no MaxWaiting":          {Tracks: []*ingest.Track{videoTrack()}, MaxWaiting: -1},
		"no MaxWaitingPerClient": {Tracks: []*ingest.Track{videoTrack()}, MaxWaitingPerClient: -1},
		"no tracks at all":       {},
	} {
		if err := m.Start(); err == nil {
			m.Close()
			t.Errorf("%s: started", name)
		}
	}
}

func TestLegacyMuxerWritesMPEGTSSegments(t *testing.T) {
	v, a, o := videoTrack(), aacTrack(), opusTrack()
	m := &LegacyMuxer{Tracks: []*ingest.Track{v, a, o}} // 2 s segments
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	// An IDR every 0.9 s: segments must run to the IDR at 2.7 s.
	gops := slices.Repeat([]int{27}, 12)
	fs := frames(append(gops, 1), false)
	type event struct {
		at time.Duration
		s  ingest.Sample
	}
	var events []event
	for _, f := range fs {
		events = append(events, event{ticksToDuration(f.dts, 90000), f.sample(v)})
	}
	for k := 0; k*1024 < 11*48000; k++ {
		s := aacSample(a, k, 0)
		events = append(events, event{ticksToDuration(s.DTS, 48000), s},
			event{ticksToDuration(s.DTS, 48000), ingest.Sample{Track: o, DTS: s.DTS, PTS: s.PTS, Units: [][]byte{{0xfc}}}})
	}
	sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
	for _, e := range events {
		if err := m.WriteSample(e.s); err != nil {
			t.Fatal(err)
		}
	}

	pl := mediaOf(t, get(t, m, "stream.m3u8").Body.Bytes())
	if len(pl.Segments) != 4 || pl.TargetDuration != 3 || pl.PartInf != nil || pl.Map != nil {
		t.Fatalf("%d segments, TARGETDURATION %d, parts %v, map %v", len(pl.Segments), pl.TargetDuration, pl.PartInf, pl.Map)
	}
	for i, s := range pl.Segments {
		first := fs[i*81]
		if !near(s.Duration, 2700*time.Millisecond, 10*time.Microsecond) || s.Duration < m.SegmentDuration {
			t.Errorf("segment %d: EXTINF %v, want 2.7 s", i, s.Duration)
		}
		if want := first.sample(v).NTP; !s.DateTime.Equal(want) {
			t.Errorf("segment %d: PROGRAM-DATE-TIME %v, want %v", i, s.DateTime, want)
		}
		res := get(t, m, s.URI)
		if res.Code != http.StatusOK || res.Header().Get("Content-Type") != "video/mp2t" {
			t.Fatalf("%s: %d %s", s.URI, res.Code, res.Header().Get("Content-Type"))
		}
		checkTSSegment(t, i, res.Body.Bytes(), first.dts+originSeconds*90000)
	}

	mv := multivariantOf(t, get(t, m, "index.m3u8").Body.Bytes())
	if len(mv.Variants) != 1 || len(mv.Renditions) != 0 {
		t.Fatalf("%d variants, %d renditions", len(mv.Variants), len(mv.Renditions))
	}
	vr := mv.Variants[0]
	if vr.URI != "stream.m3u8" || !slices.Equal(vr.Codecs, []string{"avc1.42c028", "mp4a.40.2"}) ||
		vr.Resolution != "1920x1080" || vr.Bandwidth <= 0 {
		t.Errorf("variant %s, CODECS %q, RESOLUTION %s, BANDWIDTH %d", vr.URI, vr.Codecs, vr.Resolution, vr.Bandwidth)
	}

	// Legacy playlists have no parts, nor fMP4 segments: such names are
	// never served, and must not be waited for.
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for _, name := range []string{
		partName(m.prefix, "stream", 0),
		segmentName(m.prefix, "stream", 4, ".mp4"),
		initName(m.prefix, "stream"),
		"video.m3u8",
	} {
		if res := getCtx(cancelled, m, name); res.Body.Len() == 0 {
			t.Errorf("%s: waited, want 404", name)
		} else if res.Code != http.StatusNotFound {
			t.Errorf("%s: %d %q, want 404", name, res.Code, res.Body)
		}
	}
}

// checkTSSegment checks that a segment is whole TS packets, starts with
// the PAT, and with an IDR decoded at dts, holding 81 frames and audio.
func checkTSSegment(t *testing.T, i int, b []byte, dts int64) {
	t.Helper()
	if len(b) == 0 || len(b)%188 != 0 {
		t.Fatalf("segment %d: %d bytes, not whole TS packets", i, len(b))
	}
	for off := 0; off < len(b); off += 188 {
		if b[off] != 0x47 {
			t.Fatalf("segment %d: no sync byte at %d", i, off)
		}
	}
	if pid := int(b[1]&0x1f)<<8 | int(b[2]); pid != 0 {
		t.Errorf("segment %d starts with PID %d, not the PAT", i, pid)
	}
	r := &mpegts.Reader{R: bytes.NewReader(b)}
	if err := r.Initialize(); err != nil {
		t.Fatalf("segment %d: %v", i, err)
	}
	var video []int64
	var audio int
	var firstIDR bool
	for _, tr := range r.Tracks() {
		switch tr.Codec.(type) {
		case *mpegts.CodecH264:
			r.OnDataH264(tr, func(_, dts int64, au [][]byte) error {
				if len(video) == 0 {
					firstIDR = h264.IsRandomAccess(au)
				}
				video = append(video, dts)
				return nil
			})
		case *mpegts.CodecMPEG4Audio:
			r.OnDataMPEG4Audio(tr, func(_ int64, aus [][]byte) error { audio += len(aus); return nil })
		default:
			t.Errorf("segment %d: a %T track", i, tr.Codec)
		}
	}
	for {
		if err := r.Read(); err != nil {
			if !errors.Is(err, io.EOF) {
				t.Fatalf("segment %d: %v", i, err)
			}
			break
		}
	}
	first := int64(-1)
	if len(video) > 0 {
		first = video[0]
	}
	if len(video) != 81 || !firstIDR || first != dts || audio == 0 {
		t.Errorf("segment %d: %d frames, the first an IDR: %v, decoded at %d (want %d); %d audio frames",
			i, len(video), firstIDR, first, dts, audio)
	}
}
