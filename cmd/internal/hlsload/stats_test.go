package hlsload

import (
	"reflect"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

func TestStatsSince(t *testing.T) {
	before := Stats{Parts: 10, Segments: 2, Playlists: 12, Failures: 1, Unanswered: 1, Restarts: 1, LastError: "old",
		StatusErrors: map[int]int{404: 1}, PartDelays: []float64{1, 2}}
	for _, tc := range []struct {
		name string
		now  Stats
		want Stats
	}{
		{"nothing new", before, Stats{PartDelays: []float64{}}},
		{
			"more of everything",
			Stats{Parts: 13, Segments: 3, Playlists: 16, Failures: 3, Unanswered: 2, Restarts: 2, LastError: "new",
				Skipped: 1, LateParts: 2, StatusErrors: map[int]int{404: 1, 503: 2}, PartDelays: []float64{1, 2, 3, 4, 5}},
			Stats{Parts: 3, Segments: 1, Playlists: 4, Failures: 2, Unanswered: 1, Restarts: 1, LastError: "new",
				Skipped: 1, LateParts: 2, StatusErrors: map[int]int{503: 2}, PartDelays: []float64{3, 4, 5}},
		},
		{
			// An error without a restart since is the warm-up's.
			"no restart since",
			Stats{Parts: 11, Segments: 2, Playlists: 13, Failures: 1, Unanswered: 1, Restarts: 1, LastError: "old",
				StatusErrors: map[int]int{404: 1}, PartDelays: []float64{1, 2, 3}},
			Stats{Parts: 1, Playlists: 1, PartDelays: []float64{3}},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.now.Since(before); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestStatsAddLateParts(t *testing.T) {
	end := time.Unix(1000, 0)
	for _, tc := range []struct {
		name     string
		delay    time.Duration
		holdBack time.Duration
		late     int
	}{
		{"in time", 200 * time.Millisecond, 300 * time.Millisecond, 0},
		{"exactly the hold-back", 300 * time.Millisecond, 300 * time.Millisecond, 0},
		{"later than the hold-back", 301 * time.Millisecond, 300 * time.Millisecond, 1},
		{"no hold-back in the playlist", time.Hour, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s Stats
			s.add(mediaItem{uri: "p.mp4", isPart: true, end: end}, end.Add(tc.delay), tc.holdBack)
			if s.Parts != 1 || s.LateParts != tc.late || len(s.PartDelays) != 1 {
				t.Errorf("got %+v, want 1 part, %d late, 1 delay", s, tc.late)
			}
		})
	}
}

func TestFirstMSN(t *testing.T) {
	for _, tc := range []struct {
		name string
		pl   *playlist.Media
		want int
	}{
		{"whole playlist", &playlist.Media{MediaSequence: 7}, 7},
		{"delta update", &playlist.Media{MediaSequence: 7, Skip: &playlist.MediaSkip{SkippedSegments: 4}}, 11},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := firstMSN(tc.pl); got != tc.want {
				t.Errorf("got %d, want %d", got, tc.want)
			}
		})
	}
}
