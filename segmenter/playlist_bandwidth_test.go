package segmenter

import (
	"strings"
	"testing"
	"time"
)

func TestBitrates(t *testing.T) {
	seg := func(size int, ms int64) measuredSegment {
		return measuredSegment{size: size, duration: time.Duration(ms) * time.Millisecond, ok: true}
	}
	gap := measuredSegment{}
	cases := []struct {
		name      string
		segs      []measuredSegment
		peak, avg int
	}{
		{"the largest segment is the peak", []measuredSegment{seg(1000, 1000), seg(2000, 1000)}, 16000, 12000},
		{"short segments count in runs", []measuredSegment{seg(100, 400), seg(300, 400), seg(100, 400)}, 6000, 3334},
		{"a gap breaks a run and is not counted", []measuredSegment{seg(500, 400), gap, seg(100, 400)}, 10000, 6000},
		{"a run longer than 1.5 targets does not count", []measuredSegment{seg(1000, 1000), seg(1000, 1000)}, 8000, 8000},
		{"rounded up", []measuredSegment{seg(1, 3000)}, 3, 3},
		{"nothing to measure", []measuredSegment{gap}, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			peak, avg := bitrates(c.segs, time.Second)
			if peak != c.peak || avg != c.avg {
				t.Fatalf("bitrates = %d, %d; want %d, %d", peak, avg, c.peak, c.avg)
			}
		})
	}
}

func TestMultivariantBandwidth(t *testing.T) {
	second := time.Second
	cases := []struct {
		name       string
		video      []time.Duration // from msn 10; 0 is a gap
		audioFrom  int
		audio      []time.Duration
		want       string // the attributes BANDWIDTH and AVERAGE-BANDWIDTH
		lowLatency bool
	}{
		{"video and audio together", []time.Duration{0, second, second}, 10, []time.Duration{0, second, second},
			"BANDWIDTH=28000,AVERAGE-BANDWIDTH=20000", true},
		{"only what both renditions list", []time.Duration{second, second, second}, 11, []time.Duration{second, second, second},
			"BANDWIDTH=28000,AVERAGE-BANDWIDTH=20000", true},
		{"nothing to measure keeps gohlslib's", []time.Duration{0, 0}, 10, []time.Duration{0, 0},
			"BANDWIDTH=100,AVERAGE-BANDWIDTH=90", true},
		{"the MPEG-TS rendition keeps gohlslib's", []time.Duration{0, second, second}, 10, []time.Duration{0, second, second},
			"BANDWIDTH=100,AVERAGE-BANDWIDTH=90", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &fakeMuxer{files: map[string]string{
				"index.m3u8":         multivariantText,
				"video1_stream.m3u8": mediaText(t, "video1", 10, c.video, 5, 0),
				"audio2_stream.m3u8": mediaText(t, "audio2", c.audioFrom, c.audio, 5, 0),
				// 1 s each: 8000 and 16000 bit/s of video, 4000 and 12000 of audio.
				"video1_seg10.mp4": strings.Repeat("v", 5000),
				"video1_seg11.mp4": strings.Repeat("v", 1000), "video1_seg12.mp4": strings.Repeat("v", 2000),
				"audio2_seg11.mp4": strings.Repeat("a", 500), "audio2_seg12.mp4": strings.Repeat("a", 1500),
				"audio2_seg13.mp4": strings.Repeat("a", 5000),
			}}
			p := &playlistRewriter{fetch: m.fetch, keeper: newSegmentKeeper(m.fetch, 20, time.Minute), lowLatency: c.lowLatency}
			got := string(p.rewrite("index.m3u8", "token=x", []byte(multivariantText)))
			want := strings.Replace(multivariantText, "BANDWIDTH=100,AVERAGE-BANDWIDTH=90", c.want, 1)
			if got != want {
				t.Fatalf("got\n%s\nwant\n%s", got, want)
			}
			// A second request measures nothing again.
			p.rewrite("index.m3u8", "", []byte(multivariantText))
			for name, n := range m.fetches {
				if strings.HasSuffix(name, ".mp4") && n > 1 {
					t.Errorf("%s fetched %d times", name, n)
				}
			}
		})
	}
}
