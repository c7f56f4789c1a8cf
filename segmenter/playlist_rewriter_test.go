package segmenter

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

func TestRaisePartHoldBack(t *testing.T) {
	cases := []struct {
		name, in, want string
	}{
		{"gohlslib's 2.5 part targets become 3",
			"#EXTM3U\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.50000,CAN-SKIP-UNTIL=6.00000\n#EXT-X-PART-INF:PART-TARGET=0.20000\n",
			"#EXTM3U\n#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.60000,CAN-SKIP-UNTIL=6.00000\n#EXT-X-PART-INF:PART-TARGET=0.20000\n"},
		{"an odd part target is rounded up",
			"#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=0.50250\n#EXT-X-PART-INF:PART-TARGET=0.20100",
			"#EXT-X-SERVER-CONTROL:PART-HOLD-BACK=0.60300\n#EXT-X-PART-INF:PART-TARGET=0.20100"},
		{"more than 3 part targets stays",
			"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.00000\n#EXT-X-PART-INF:PART-TARGET=0.20000\n",
			"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=1.00000\n#EXT-X-PART-INF:PART-TARGET=0.20000\n"},
		{"a missing PART-HOLD-BACK is added",
			"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES\n#EXT-X-PART-INF:PART-TARGET=0.10000\n",
			"#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=0.30000\n#EXT-X-PART-INF:PART-TARGET=0.10000\n"},
		{"without parts nothing changes",
			"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.00000,\nseg1.ts\n",
			"#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.00000,\nseg1.ts\n"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := string(raisePartHoldBack([]byte(c.in))); got != c.want {
				t.Fatalf("got\n%s\nwant\n%s", got, c.want)
			}
		})
	}
}

func TestFormatSeconds(t *testing.T) {
	for _, d := range []time.Duration{600 * time.Millisecond, 603 * time.Millisecond, 300 * time.Millisecond, 1, 999_999_999} {
		s := formatSeconds(d)
		if got, ok := parseSeconds(s); !ok || got < d || got > d+20*time.Microsecond {
			t.Errorf("formatSeconds(%v) = %s, which reads back as %v", d, s, got)
		}
	}
}

// mediaText marshals a media playlist of the segments msn… (a duration
// of 0 is a gap) with parts per segment and trailing parts.
func mediaText(t *testing.T, stream string, msn int, durations []time.Duration, parts, trailing int) string {
	t.Helper()
	pl := &playlist.Media{Version: 10, TargetDuration: 1, MediaSequence: msn}
	for i, d := range durations {
		seg := &playlist.MediaSegment{Duration: d, URI: stream + "_seg" + itoa(msn+i) + ".mp4"}
		if d == 0 {
			seg = &playlist.MediaSegment{Gap: true, Duration: time.Second, URI: "gap.mp4"}
		}
		for range parts {
			seg.Parts = append(seg.Parts, &playlist.MediaPart{Duration: 200 * time.Millisecond, URI: stream + "_part.mp4"})
		}
		pl.Segments = append(pl.Segments, seg)
	}
	for range trailing {
		pl.Parts = append(pl.Parts, &playlist.MediaPart{Duration: 200 * time.Millisecond, URI: stream + "_part.mp4"})
	}
	pl.PreloadHint = &playlist.MediaPreloadHint{URI: stream + "_hint.mp4"}
	b, err := pl.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

const multivariantText = "#EXTM3U\n#EXT-X-VERSION:10\n#EXT-X-INDEPENDENT-SEGMENTS\n\n" +
	`#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="audio",LANGUAGE="und",NAME="Audio",AUTOSELECT=YES,DEFAULT=YES,URI="audio2_stream.m3u8?token=x"` + "\n\n" +
	`#EXT-X-STREAM-INF:BANDWIDTH=100,AVERAGE-BANDWIDTH=90,CODECS="avc1.64001f,mp4a.40.2",RESOLUTION=1280x720,FRAME-RATE=30.000,AUDIO="audio"` + "\n" +
	"video1_stream.m3u8?token=x\n"

func TestRenditionReports(t *testing.T) {
	second := []time.Duration{time.Second, time.Second}
	cases := []struct {
		name       string
		audio      string // the audio playlist gohlslib has now; "" for none
		query      string
		want       string // the report line, "" for none
		lowLatency bool
	}{
		{"the last of the trailing parts", mediaText(t, "audio2", 10, second, 5, 3), "",
			`#EXT-X-RENDITION-REPORT:URI="audio2_stream.m3u8",LAST-MSN=12,LAST-PART=2`, true},
		{"the last part of the last segment", mediaText(t, "audio2", 10, second, 5, 0), "",
			`#EXT-X-RENDITION-REPORT:URI="audio2_stream.m3u8",LAST-MSN=11,LAST-PART=4`, true},
		{"the query but the _HLS_ directives", mediaText(t, "audio2", 10, second, 5, 1), "token=x&_HLS_msn=12&_HLS_part=1",
			`#EXT-X-RENDITION-REPORT:URI="audio2_stream.m3u8?token=x",LAST-MSN=12,LAST-PART=0`, true},
		{"no parts, no report", mediaText(t, "audio2", 10, second, 0, 0), "", "", true},
		{"a rendition not there, no report", "", "", "", true},
		{"not low-latency, no report", mediaText(t, "audio2", 10, second, 5, 3), "", "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m := &fakeMuxer{files: map[string]string{"index.m3u8": multivariantText, "audio2_stream.m3u8": c.audio,
				"video1_seg10.mp4": "x", "video1_seg11.mp4": "x"}}
			if c.audio == "" {
				delete(m.files, "audio2_stream.m3u8")
			}
			p := &playlistRewriter{fetch: m.fetch, keeper: newSegmentKeeper(m.fetch, 10, time.Minute), lowLatency: c.lowLatency}
			video := mediaText(t, "video1", 10, second, 5, 1)
			got := string(p.rewrite("video1_stream.m3u8", c.query, []byte(video)))
			reports := tagLines(got, "#EXT-X-RENDITION-REPORT:")
			if want := strings.Fields(c.want); strings.Join(reports, "\n") != strings.Join(want, "\n") {
				t.Fatalf("reports %q, want %q in\n%s", reports, want, got)
			}
			if _, err := playlist.Unmarshal([]byte(got)); err != nil {
				t.Fatalf("the playlist no longer parses: %v\n%s", err, got)
			}
			if m.fetches["video1_seg10.mp4"] != 1 || m.fetches["video1_seg11.mp4"] != 1 {
				t.Errorf("the segments listed were not handed to the keeper: %v", m.fetches)
			}
		})
	}
}

func tagLines(text, tag string) []string {
	var lines []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, tag) {
			lines = append(lines, l)
		}
	}
	return lines
}

func TestSegmentNames(t *testing.T) {
	text := mediaText(t, "video1", 3, []time.Duration{0, time.Second, time.Second}, 0, 0)
	text = strings.ReplaceAll(text, ".mp4\n", ".mp4?token=x\n")
	if got := strings.Join(segmentNames([]byte(text)), " "); got != "video1_seg4.mp4 video1_seg5.mp4" {
		t.Fatalf("segmentNames = %q of\n%s", got, text)
	}
}

func TestWithoutHLSParams(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", ""},
		{"_HLS_msn=3&_HLS_part=1", ""},
		{"token=abc&_HLS_skip=YES", "token=abc"},
		{"b=2&a=1", "a=1&b=2"},
	}
	for _, c := range cases {
		if got := withoutHLSParams(c.in); got != c.want {
			t.Errorf("withoutHLSParams(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func FuzzWithoutHLSParams(f *testing.F) {
	for _, s := range []string{"", "_HLS_msn=3&_HLS_part=1", "token=abc&_HLS_skip=YES", "%zz", "a=1;b=2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		out := withoutHLSParams(q)
		if _, err := url.ParseQuery(q); err != nil {
			return // passed on as it is, as gohlslib does
		}
		parsed, err := url.ParseQuery(out)
		if err != nil {
			t.Fatalf("withoutHLSParams(%q) = %q, which does not parse: %v", q, out, err)
		}
		for k := range parsed {
			if strings.HasPrefix(k, "_HLS_") {
				t.Errorf("withoutHLSParams(%q) = %q kept %s", q, out, k)
			}
		}
	})
}
