package llhls

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/llcast/llcast/ingest"
)

func TestMuxerStartChecksConfig(t *testing.T) {
	cases := []struct {
		name    string
		m       *Muxer
		wantErr string // "" when Start must succeed
	}{
		{"no tracks", &Muxer{}, "Tracks"},
		{"short parts", &Muxer{Tracks: []*ingest.Track{videoTrack()}, PartDuration: 5 * time.Millisecond}, "PartDuration"},
		{"segment below part", &Muxer{Tracks: []*ingest.Track{videoTrack()}, PartDuration: time.Second, SegmentDuration: 500 * time.Millisecond}, "SegmentDuration"},
		{"5 segments", &Muxer{Tracks: []*ingest.Track{videoTrack()}, SegmentCount: 5}, "SegmentCount"},
		{"negative MaxWaiting", &Muxer{Tracks: []*ingest.Track{videoTrack()}, MaxWaiting: -1}, "MaxWaiting"},
		{"negative MaxWaitingPerClient", &Muxer{Tracks: []*ingest.Track{videoTrack()}, MaxWaitingPerClient: -1}, "MaxWaitingPerClient"},
		{"two videos", &Muxer{Tracks: []*ingest.Track{videoTrack(), videoTrack()}}, "two video"},
		{"unknown codec", &Muxer{Tracks: []*ingest.Track{{Codec: "vp8", ClockRate: 90000}}}, "vp8"},
		{"no clock rate", &Muxer{Tracks: []*ingest.Track{{Codec: ingest.CodecAAC}}}, "clock rate"},
		{"video and two audio", &Muxer{Tracks: []*ingest.Track{aacTrack(), videoTrack(), opusTrack()}}, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.m.Start()
			switch {
			case tc.wantErr == "" && err != nil:
				t.Fatal(err)
			case tc.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tc.wantErr)):
				t.Fatalf("error %v, want one naming %q", err, tc.wantErr)
			}
			if tc.wantErr == "" {
				defer tc.m.Close()
				for _, name := range []string{"video", "audio", "audio2"} {
					if tc.m.byName[name] == nil {
						t.Errorf("no %s playlist", name)
					}
				}
				if tc.m.PartDuration != 100*time.Millisecond || tc.m.SegmentDuration != time.Second ||
					tc.m.SegmentCount != 7 || tc.m.MaxWaiting != 4096 || tc.m.MaxWaitingPerClient != 16 ||
					tc.m.AudioLanguage != "und" || tc.m.Logger == nil {
					t.Errorf("defaults not filled in: %v %v %d %d %d %q", tc.m.PartDuration, tc.m.SegmentDuration,
						tc.m.SegmentCount, tc.m.MaxWaiting, tc.m.MaxWaitingPerClient, tc.m.AudioLanguage)
				}
			}
		})
	}
}

// TestMuxerCutsAudioBesideVideo writes 30 fps video with an IDR every
// second and 48 kHz AAC, the audio in step, behind or ahead of the video.
func TestMuxerCutsAudioBesideVideo(t *testing.T) {
	cases := []struct {
		name string
		// lag is how much later than the video of the same time the audio
		// is written.
		lag time.Duration
		// slack is how far from the video's boundary the audio may begin
		// a segment. No track waits for another, so audio written before
		// the video announced a boundary stays where it was: the cut comes
		// at the next frame, one frame late in step and as late as the
		// audio leads when it leads.
		slack time.Duration
	}{
		{"audio in step", 0, audioFrame},
		{"audio 100 ms late, as llcast's pipeline sends it", 100 * time.Millisecond, audioFrame/2 + time.Microsecond},
		{"audio 100 ms early", -100 * time.Millisecond, 100*time.Millisecond + audioFrame},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			v, a := videoTrack(), aacTrack()
			m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{v, a}})
			vw, aw := newWatcher(t, m, m.byName["video"]), newWatcher(t, m, m.byName["audio"])

			type event struct {
				at time.Duration // when it is written
				s  ingest.Sample
			}
			var events []event
			for _, f := range frames([]int{30, 30, 30, 30, 30, 30, 30, 30, 2}, false) {
				events = append(events, event{ticksToDuration(f.dts, 90000), f.sample(v)})
			}
			for k := 0; k*1024 < 8*48000+4800; k++ {
				// The audio's capture times run 40 ms late: the playlists
				// must agree all the same.
				s := aacSample(a, k, 40*time.Millisecond)
				events = append(events, event{ticksToDuration(s.DTS, 48000) + tc.lag, s})
			}
			sort.SliceStable(events, func(i, j int) bool { return events[i].at < events[j].at })
			for _, e := range events {
				if err := m.WriteSample(e.s); err != nil {
					t.Fatal(err)
				}
				vw.look()
				aw.look()
			}

			audio := map[int]seenSegment{}
			for _, s := range aw.segs {
				audio[s.msn] = s
			}
			if len(aw.segs) == 0 || aw.segs[0].msn != vw.segs[0].msn {
				t.Fatalf("the audio does not start at the video's first MSN %d", vw.segs[0].msn)
			}
			var common int
			var sumV, sumA time.Duration
			for _, vs := range vw.segs {
				as, ok := audio[vs.msn]
				if !ok {
					continue
				}
				common++
				sumV, sumA = sumV+vs.dur, sumA+as.dur
				if !near(vs.dur, as.dur, audioFrame-time.Microsecond) || !near(sumV, sumA, audioFrame-time.Microsecond) {
					t.Errorf("MSN %d: video %v, audio %v (so far %v and %v)", vs.msn, vs.dur, as.dur, sumV, sumA)
				}
				vStart := ticksToDuration(baseTime(t, vs.body)-originSeconds*90000, 90000)
				aStart := ticksToDuration(baseTime(t, as.body)-originSeconds*48000, 48000)
				if !near(vStart, aStart, tc.slack) {
					t.Errorf("MSN %d: video starts at %v, audio at %v: more than %v apart", vs.msn, vStart, aStart, tc.slack)
				}
				// The playlists agree on the time of the same media: the
				// dates are as far apart as the media.
				if !near(as.start.Sub(vs.start), aStart-vStart, time.Millisecond) {
					t.Errorf("MSN %d: PROGRAM-DATE-TIME video %v, audio %v, for media %v apart", vs.msn, vs.start, as.start, aStart-vStart)
				}
			}
			if common < 7 {
				t.Errorf("only %d MSNs in both playlists", common)
			}
		})
	}
}

// baseTime is the decode time of the first fragment of an fMP4 segment.
func baseTime(t *testing.T, body []byte) int64 {
	t.Helper()
	var parts fmp4.Parts
	if err := parts.Unmarshal(body); err != nil || len(parts) == 0 {
		t.Fatalf("segment: %v", err)
	}
	return int64(parts[0].Tracks[0].BaseTime)
}
