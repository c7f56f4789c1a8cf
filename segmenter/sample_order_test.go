package segmenter

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
)

// orderEvent adds a sample of track ("v", "a" or "b") with time ms at
// arrival (ms), or, with track "", polls at arrival and expects want.
type orderEvent struct {
	track   string
	ms      int64
	arrival int64
	want    string // released samples as "v0 a21 …"
}

func TestSampleOrder(t *testing.T) {
	cases := []struct {
		name   string
		tracks string // which tracks the stream has
		limit  int
		events []orderEvent
	}{
		{"video waits for the audio of its time", "va", 100, []orderEvent{
			{"v", 0, 0, ""}, {"v", 33, 33, ""},
			{"", 0, 40, ""},
			{"a", 0, 60, ""},
			{"", 0, 61, "v0 a0"}, // a tie goes to the first track
			{"a", 21, 81, ""},
			{"", 0, 82, "a21"},
			{"a", 42, 102, ""},
			{"", 0, 103, "v33"},
		}},
		{"audio that comes first waits for the video", "va", 100, []orderEvent{
			{"a", 0, 0, ""}, {"a", 21, 21, ""},
			{"", 0, 22, ""},
			{"v", 10, 30, ""},
			{"", 0, 30, "a0 v10"},
			{"v", 43, 63, ""},
			{"", 0, 63, "a21"},
		}},
		{"a track that never comes delays the others by MaxHold", "va", 100, []orderEvent{
			{"v", 0, 0, ""}, {"v", 33, 33, ""},
			{"", 0, 249, ""},
			{"", 0, 250, "v0"},
			{"", 0, 282, ""},
			{"", 0, 283, "v33"},
		}},
		{"a track that stops delays the others by MaxHold", "va", 100, []orderEvent{
			{"a", 0, 0, ""}, {"v", 0, 10, ""},
			{"", 0, 10, "v0 a0"},
			{"v", 33, 43, ""},
			{"", 0, 100, ""},
			{"", 0, 293, "v33"},
		}},
		{"an expired sample forces out the earlier ones first", "vab", 100, []orderEvent{
			{"a", 50, 0, ""}, {"v", 10, 240, ""},
			{"", 0, 249, ""},
			{"", 0, 250, "v10 a50"},
		}},
		{"beyond the limit the earliest leaves at once", "va", 2, []orderEvent{
			{"v", 0, 0, ""}, {"v", 33, 1, ""},
			{"", 0, 1, ""},
			{"v", 66, 2, ""},
			{"", 0, 2, "v0"},
		}},
		{"one track alone passes straight through", "v", 100, []orderEvent{
			{"v", 0, 0, ""}, {"v", 33, 0, ""},
			{"", 0, 0, "v0 v33"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			tracks := orderTracks(c.tracks)
			var list []*ingest.Track
			for _, name := range c.tracks {
				list = append(list, tracks[string(name)])
			}
			o := newSampleOrder(list, 250*time.Millisecond, c.limit)
			start := time.Unix(1_700_000_000, 0)
			for i, e := range c.events {
				now := start.Add(time.Duration(e.arrival) * time.Millisecond)
				if e.track != "" {
					tr := tracks[e.track]
					o.add(ingest.Sample{Track: tr, PTS: e.ms * int64(tr.ClockRate) / 1000}, now)
					continue
				}
				var got []string
				for {
					s, ok := o.next(now)
					if !ok {
						break
					}
					got = append(got, sampleLabel(tracks, s))
				}
				if strings.Join(got, " ") != e.want {
					t.Fatalf("event %d (at %d ms): released %q, want %q", i, e.arrival, strings.Join(got, " "), e.want)
				}
			}
		})
	}
}

func TestSampleOrderWait(t *testing.T) {
	tracks := orderTracks("va")
	o := newSampleOrder([]*ingest.Track{tracks["v"], tracks["a"]}, 250*time.Millisecond, 100)
	start := time.Unix(1_700_000_000, 0)
	if _, ok := o.wait(start); ok {
		t.Fatal("wait with nothing held says to wake up")
	}
	o.add(ingest.Sample{Track: tracks["v"], PTS: 0}, start)
	o.add(ingest.Sample{Track: tracks["v"], PTS: 3000}, start.Add(30*time.Millisecond))
	for _, c := range []struct{ at, want time.Duration }{{0, 250 * time.Millisecond}, {100 * time.Millisecond, 150 * time.Millisecond}, {time.Second, 0}} {
		if d, ok := o.wait(start.Add(c.at)); !ok || d != c.want {
			t.Errorf("wait at %v = %v, %v; want %v", c.at, d, ok, c.want)
		}
	}
}

func orderTracks(names string) map[string]*ingest.Track {
	all := map[string]*ingest.Track{
		"v": {Codec: ingest.CodecH264, ClockRate: 90000},
		"a": {Codec: ingest.CodecAAC, ClockRate: 48000},
		"b": {Codec: ingest.CodecOpus, ClockRate: 48000},
	}
	out := map[string]*ingest.Track{}
	for _, n := range names {
		out[string(n)] = all[string(n)]
	}
	return out
}

func sampleLabel(tracks map[string]*ingest.Track, s ingest.Sample) string {
	for name, tr := range tracks {
		if tr == s.Track {
			return fmt.Sprintf("%s%d", name, s.Duration().Milliseconds())
		}
	}
	return "?"
}
