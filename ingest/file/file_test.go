package file

import (
	"bytes"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/ingesttest"
)

func TestOpen(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"mp4", join(h264Args, aacArgs, []string{"-f", "mp4"})},
		{"ts", join(h264Args, aacArgs, []string{"-f", "mpegts"})},
		{"faststart", join(h264Args, aacArgs, []string{"-f", "mp4", "-movflags", "+faststart"})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The extension does not matter: content decides.
			f, err := Open(media(t, "clip.bin", 4, tc.args...))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			tracks := f.Tracks()
			if len(tracks) != 2 {
				t.Fatalf("got %d tracks, want 2", len(tracks))
			}
			v, a := tracks[0], tracks[1]
			if v.Codec != ingest.CodecH264 || v.ClockRate != 90000 || v.Width != 320 || v.Height != 240 || v.FPS != 30 || v.ConstantRate {
				t.Errorf("video track %+v", *v)
			}
			if a.Codec != ingest.CodecAAC || a.ClockRate != 48000 || a.SampleRate != 48000 || a.Channels != 1 || a.AACConfig.SampleRate != 48000 {
				t.Errorf("audio track %+v", *a)
			}
			if d := f.Duration(); d < 3900*time.Millisecond || d > 4200*time.Millisecond {
				t.Errorf("duration %v, want about 4s", d)
			}
			if k := f.Keyframes(); len(k) != 4 {
				t.Errorf("keyframes %v, want one a second", k)
			}
			checkSamples(t, f)
		})
	}
}

// checkSamples reads the whole file and checks the samples' order and
// contents.
func checkSamples(t *testing.T, f *File) {
	t.Helper()
	last := map[*ingest.Track]int64{}
	counts := map[*ingest.Track]int{}
	var lastTime time.Duration
	reordered := 0
	for s, err := range f.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		if prev, ok := last[s.Track]; ok && s.DTS <= prev {
			t.Fatalf("%s DTS %d after %d", s.Track.Codec, s.DTS, prev)
		}
		last[s.Track] = s.DTS
		counts[s.Track]++
		at := toDuration(s.DTS, s.Track.ClockRate)
		if at < lastTime {
			t.Fatalf("%s sample at %v after one at %v: tracks are not merged by time", s.Track.Codec, at, lastTime)
		}
		lastTime = at
		if s.DTS < 0 || s.PTS < s.DTS {
			t.Fatalf("%s sample with DTS %d, PTS %d", s.Track.Codec, s.DTS, s.PTS)
		}
		if !s.Track.IsVideo() {
			if len(s.Units) != 1 || len(s.Units[0]) == 0 {
				t.Fatalf("audio sample with %d units", len(s.Units))
			}
			continue
		}
		if s.PTS > s.DTS {
			reordered++
		}
		ingesttest.CheckH264Units(t, counts[s.Track]-1, s.Units)
	}
	tracks := f.Tracks()
	if counts[tracks[0]] != 120 {
		t.Errorf("%d video samples, want 120", counts[tracks[0]])
	}
	if n := counts[tracks[1]]; n < 185 || n > 192 {
		t.Errorf("%d audio samples, want about 188", n)
	}
	if reordered == 0 {
		t.Error("no B-frames: every PTS equals its DTS")
	}
}

func TestOpenOpus(t *testing.T) {
	f, err := Open(media(t, "clip.mp4", 1, join(h264Args, []string{"-c:a", "libopus", "-f", "mp4"})...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	a := f.Tracks()[1]
	if a.Codec != ingest.CodecOpus || a.ClockRate != 48000 || a.Channels != 1 {
		t.Fatalf("audio track %+v", *a)
	}
	n := 0
	for s, err := range f.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		if s.Track == a {
			n++
		}
	}
	if n < 45 || n > 53 {
		t.Errorf("%d Opus packets in 1 s, want about 50", n)
	}
}

func TestOpenErrors(t *testing.T) {
	mp4 := media(t, "ok.mp4", 1, join(h264Args, aacArgs, []string{"-movflags", "+faststart"})...)
	whole, err := os.ReadFile(mp4)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name        string
		path        func(t *testing.T) string
		unsupported bool
		want        string
	}{
		{"mpeg4 video", func(t *testing.T) string {
			return media(t, "mpeg4.mp4", 1, "-c:v", "mpeg4", "-c:a", "aac")
		}, true, "video codec MPEG-4 Visual is not supported: convert with ffmpeg"},
		{"mp3 audio", func(t *testing.T) string {
			return media(t, "mp3.mp4", 1, join(h264Args, []string{"-c:a", "libmp3lame"})...)
		}, true, "audio codec MPEG-1 Audio (MP3) is not supported"},
		{"mp2 audio in MPEG-TS", func(t *testing.T) string {
			return media(t, "mp2.ts", 1, join(h264Args, []string{"-c:a", "mp2", "-f", "mpegts"})...)
		}, true, "audio codec MPEG-1 Audio (MP2/MP3) is not supported"},
		{"text", func(t *testing.T) string {
			return writeFile(t, "notes.mp4", []byte("these are not the frames you are looking for\n"))
		}, false, "notes.mp4: not an MP4 or MPEG-TS file"},
		{"empty", func(t *testing.T) string {
			return writeFile(t, "empty.mp4", nil)
		}, false, "empty.mp4: the file is empty"},
		{"truncated payloads", func(t *testing.T) string {
			return writeFile(t, "cut.mp4", whole[:len(whole)*2/3])
		}, false, "cut.mp4: the file is truncated"},
		{"truncated index", func(t *testing.T) string {
			return writeFile(t, "head.mp4", whole[:200])
		}, false, "head.mp4: reading the MP4 index"},
		{"missing", func(t *testing.T) string {
			return "/nonexistent/clip.mp4"
		}, false, "/nonexistent/clip.mp4"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := tc.path(t)
			f, err := Open(path)
			if err == nil {
				f.Close()
				t.Fatal("Open succeeded")
			}
			if errors.Is(err, ingest.ErrUnsupportedCodec) != tc.unsupported {
				t.Errorf("errors.Is(%v, ErrUnsupportedCodec) = %v", err, !tc.unsupported)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), path) {
				t.Errorf("error %q does not name %s and say %q", err, path, tc.want)
			}
		})
	}
}

// spyDemuxer keeps the readers a File asks for.
type spyDemuxer struct {
	demuxer
	readers []payloadReader
}

func (s *spyDemuxer) reader(sp Span) (payloadReader, error) {
	r, err := s.demuxer.reader(sp)
	s.readers = append(s.readers, r)
	return r, err
}

// Reading a span from the middle of an MPEG-TS gives the same samples as
// reading the file through, and starts near the span, not at the start.
func TestRangeMPEGTS(t *testing.T) {
	f, err := Open(media(t, "clip.ts", 8, join(h264Args, aacArgs, []string{"-f", "mpegts"})...))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var all []ingest.Sample
	for s, err := range f.Samples() {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, s)
	}
	video, audio := f.Index(0), f.Index(1)
	key := 0
	for n, e := range video {
		if e.Key && toDuration(e.PTS, 90000) > 5*time.Second {
			key = n
			break
		}
	}
	if key == 0 {
		t.Fatal("no keyframe after 5 s")
	}
	from := 0
	for from < len(audio) && toDuration(audio[from].PTS, 48000) < toDuration(video[key].PTS, 90000) {
		from++
	}
	span := Span{From: []int{key, from}, To: []int{key + 30, from + 40}}
	spy := &spyDemuxer{demuxer: f.dem}
	f.dem = spy
	var got []ingest.Sample
	for s, err := range f.Range(span) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, s)
	}
	if len(got) != 70 {
		t.Fatalf("got %d samples, want 70", len(got))
	}
	for _, s := range got {
		i := 0
		for all[i].Track != s.Track || all[i].DTS != s.DTS {
			i++
		}
		if all[i].PTS != s.PTS || !bytes.Equal(bytes.Join(all[i].Units, nil), bytes.Join(s.Units, nil)) {
			t.Fatalf("%s sample at DTS %d differs from the one read through", s.Track.Codec, s.DTS)
		}
	}
	c := spy.readers[0].(*tsCursor)
	if c.from <= c.d.header || c.from < c.d.size/2 {
		t.Errorf("reading started at byte %d of %d (header %d)", c.from, c.d.size, c.d.header)
	}
}
