package llhls

import (
	"math"
	"regexp"
	"strings"
	"testing"
)

const testPrefix = "0a1b2c3d"

var parseMediaFileCases = []struct {
	name   string
	want   mediaFile
	wantOK bool
}{
	{"0a1b2c3d_video_init.mp4", mediaFile{kind: fileInit, rendition: "video", ext: ".mp4"}, true},
	{"0a1b2c3d_audio2_init.mp4", mediaFile{kind: fileInit, rendition: "audio2", ext: ".mp4"}, true},
	{"0a1b2c3d_video_0.mp4", mediaFile{kind: fileSegment, rendition: "video", n: 0, ext: ".mp4"}, true},
	{"0a1b2c3d_stream_123.ts", mediaFile{kind: fileSegment, rendition: "stream", n: 123, ext: ".ts"}, true},
	{"0a1b2c3d_audio_p45.mp4", mediaFile{kind: filePart, rendition: "audio", n: 45, ext: ".mp4"}, true},
	{"0a1b2c3d_p1_p2147483647.mp4", mediaFile{kind: filePart, rendition: "p1", n: math.MaxInt32, ext: ".mp4"}, true},
	{"0a1b2c3d_init_init.mp4", mediaFile{kind: fileInit, rendition: "init", ext: ".mp4"}, true},

	{"0a1b2c3d_video_init.ts", mediaFile{}, false},
	{"0a1b2c3d_video_p1.ts", mediaFile{}, false},
	{"0a1b2c3d_video_01.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_-1.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_+1.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_p.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_p01.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_2147483648.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_1.m4s", mediaFile{}, false},
	{"0a1b2c3d_video_1", mediaFile{}, false},
	{"0a1b2c3d_video_1.mp4.mp4", mediaFile{}, false},
	{"0a1b2c3d_Video_1.mp4", mediaFile{}, false},
	{"0a1b2c3d_vid_eo_1.mp4", mediaFile{}, false},
	{"0a1b2c3d__1.mp4", mediaFile{}, false},
	{"0a1b2c3d_abcdefghijklmnopq_1.mp4", mediaFile{}, false},
	{"0a1b2c3d_video_1.mp4?x", mediaFile{}, false},
	{"0a1b2c3d_../video_1.mp4", mediaFile{}, false},
	{"ffffffff_video_1.mp4", mediaFile{}, false},
	{"video_1.mp4", mediaFile{}, false},
	{"0a1b2c3d", mediaFile{}, false},
	{"", mediaFile{}, false},
}

func TestParseMediaFile(t *testing.T) {
	for _, tc := range parseMediaFileCases {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := parseMediaFile(testPrefix, tc.name)
			if ok != tc.wantOK || (ok && got != tc.want) {
				t.Fatalf("%+v, %v; want %+v, %v", got, ok, tc.want, tc.wantOK)
			}
		})
	}
}

func TestNamesRoundTrip(t *testing.T) {
	for _, rendition := range []string{"video", "audio", "audio2", "stream", "p", "0", "abcdefghijklmnop"} {
		for _, n := range []int{0, 1, 9, 10, 12345, math.MaxInt32} {
			checkRoundTrip(t, rendition, n)
		}
	}
}

// checkRoundTrip checks that every name made for rendition and n reads back.
func checkRoundTrip(t *testing.T, rendition string, n int) {
	t.Helper()
	for name, want := range map[string]mediaFile{
		initName(testPrefix, rendition):               {kind: fileInit, rendition: rendition, ext: ".mp4"},
		segmentName(testPrefix, rendition, n, ".mp4"): {kind: fileSegment, rendition: rendition, n: n, ext: ".mp4"},
		segmentName(testPrefix, rendition, n, ".ts"):  {kind: fileSegment, rendition: rendition, n: n, ext: ".ts"},
		partName(testPrefix, rendition, n):            {kind: filePart, rendition: rendition, n: n, ext: ".mp4"},
	} {
		if got, ok := parseMediaFile(testPrefix, name); !ok || got != want {
			t.Fatalf("%s reads %+v, %v; want %+v", name, got, ok, want)
		}
	}
}

var renditionPattern = regexp.MustCompile(`^[a-z0-9]{1,16}$`)

func FuzzParseMediaFile(f *testing.F) {
	for _, tc := range parseMediaFileCases {
		f.Add(tc.name, tc.want.rendition, tc.want.n)
	}
	f.Add("", "video", 7)
	f.Fuzz(func(t *testing.T, name, rendition string, n int) {
		if got, ok := parseMediaFile(testPrefix, name); ok {
			if !renditionPattern.MatchString(got.rendition) || got.n < 0 || got.n > math.MaxInt32 {
				t.Fatalf("%q reads %+v", name, got)
			}
			// A name that reads is the one name made for what it reads.
			var again string
			switch got.kind {
			case fileInit:
				again = initName(testPrefix, got.rendition)
			case filePart:
				again = partName(testPrefix, got.rendition, got.n)
			case fileSegment:
				ext := ".mp4"
				if strings.HasSuffix(name, ".ts") {
					ext = ".ts"
				}
				again = segmentName(testPrefix, got.rendition, got.n, ext)
			default:
				t.Fatalf("%q reads kind %d", name, got.kind)
			}
			if again != name {
				t.Fatalf("%q reads %+v, which is named %q", name, got, again)
			}
		}
		if renditionPattern.MatchString(rendition) && n >= 0 && n <= math.MaxInt32 {
			checkRoundTrip(t, rendition, n)
		}
	})
}
