package llhls

import (
	"bytes"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"
)

// TestMediaRenderDeltaUpdate writes 1 s segments: with TARGETDURATION 1,
// CAN-SKIP-UNTIL is 6 s and a delta update skips the segments that start
// 6 s or more before the end of the playlist.
func TestMediaRenderDeltaUpdate(t *testing.T) {
	cases := []struct {
		name     string
		count    int // SegmentCount
		segments int // written
		want     int // SKIPPED-SEGMENTS, 0 for the full playlist
	}{
		{"5 s listed", 7, 5, 0},
		{"6 s listed", 7, 6, 1},
		{"7 s listed", 7, 7, 2},
		{"window moved on", 7, 12, 2},
		{"10 s listed", 10, 10, 5},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			l := newLive(t, &Muxer{SegmentCount: tc.count}, nil)
			l.until(func(s *snapshot) bool { return s.nextMSN == tc.segments })
			for range 16 { // a few parts of the next segment
				l.write()
			}
			plain := get(t, l.m, "video.m3u8")
			full := mediaOf(t, plain.Body.Bytes())
			if full.TargetDuration != 1 || full.ServerControl == nil || full.ServerControl.CanSkipUntil == nil ||
				*full.ServerControl.CanSkipUntil != 6*time.Second {
				t.Fatalf("TARGETDURATION %d, SERVER-CONTROL %+v", full.TargetDuration, full.ServerControl)
			}
			if full.Skip != nil || len(full.Parts) == 0 || full.PreloadHint == nil {
				t.Fatalf("full playlist: skip %v, %d parts, hint %v", full.Skip, len(full.Parts), full.PreloadHint)
			}
			for _, query := range []string{"_HLS_skip=YES", "_HLS_skip=v2"} {
				res := get(t, l.m, "video.m3u8?"+query)
				if res.Code != http.StatusOK {
					t.Fatalf("%s: %d", query, res.Code)
				}
				if tc.want == 0 {
					if !bytes.Equal(res.Body.Bytes(), plain.Body.Bytes()) {
						t.Errorf("%s: not the full playlist:\n%s", query, res.Body)
					}
					continue
				}
				delta := mediaOf(t, res.Body.Bytes())
				if delta.Skip == nil || delta.Skip.SkippedSegments != tc.want {
					t.Fatalf("%s: EXT-X-SKIP %+v, want SKIPPED-SEGMENTS=%d\n%s", query, delta.Skip, tc.want, res.Body)
				}
				if delta.Version != 9 || delta.MediaSequence != full.MediaSequence {
					t.Errorf("%s: version %d, MSN %d; want 9, %d", query, delta.Version, delta.MediaSequence, full.MediaSequence)
				}
				if !reflect.DeepEqual(delta.Segments, full.Segments[tc.want:]) ||
					!reflect.DeepEqual(delta.Parts, full.Parts) || !reflect.DeepEqual(delta.PreloadHint, full.PreloadHint) {
					t.Errorf("%s: the delta update is not the full playlist's tail:\n%s\nfull:\n%s", query, res.Body, plain.Body)
				}
				for _, s := range full.Segments[:tc.want] {
					if strings.Contains(res.Body.String(), s.URI) {
						t.Errorf("%s: skipped %s is listed", query, s.URI)
					}
				}
			}
			if res := get(t, l.m, "video.m3u8?_HLS_skip=NO"); !bytes.Equal(res.Body.Bytes(), plain.Body.Bytes()) {
				t.Error("_HLS_skip=NO: not the full playlist")
			}
		})
	}
}

// TestMediaRenderListsRecentParts checks that parts stay listed for the
// segments of the last three target durations (RFC 8216bis 4.4.4.9) and
// no further, and that the playlist heads are right.
func TestMediaRenderListsRecentParts(t *testing.T) {
	l := newLive(t, &Muxer{}, nil)
	l.until(func(s *snapshot) bool { return s.nextMSN == 8 && s.parts == 4 })
	m := mediaOf(t, get(t, l.m, "video.m3u8").Body.Bytes())
	if m.Version != 9 || !m.IndependentSegments || m.Map == nil || m.Map.URI != initName(l.m.prefix, "video") {
		t.Errorf("head: version %d, independent %v, map %+v", m.Version, m.IndependentSegments, m.Map)
	}
	sc := m.ServerControl
	if sc == nil || !sc.CanBlockReload || sc.PartHoldBack == nil || *sc.PartHoldBack < 3*m.PartInf.PartTarget {
		t.Errorf("SERVER-CONTROL %+v: PART-HOLD-BACK must be 3 PART-TARGETs at least", sc)
	}
	if len(m.Segments) != 7 || m.MediaSequence != 1 || len(m.Parts) != 4 {
		t.Fatalf("%d segments from MSN %d, %d parts", len(m.Segments), m.MediaSequence, len(m.Parts))
	}
	// 0.4 s of parts at the end: the last three segments keep theirs.
	for i, s := range m.Segments {
		if want := i >= 4; (len(s.Parts) > 0) != want {
			t.Errorf("segment %d: %d parts, want parts: %v", i, len(s.Parts), want)
		}
	}
}
