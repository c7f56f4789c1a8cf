package vod

import (
	"bytes"
	"errors"
	"io"
	"math"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
)

// mediaPlaylist fetches and parses a playlist of p.
func mediaPlaylist(t *testing.T, p http.Handler, target string) (*playlist.Media, []byte) {
	t.Helper()
	res := get(t, p, target)
	if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "application/vnd.apple.mpegurl" {
		t.Fatalf("%s: %s, %q", target, res.Status, res.Header.Get("Content-Type"))
	}
	text := body(t, res)
	var m playlist.Media
	if err := m.Unmarshal(text); err != nil {
		t.Fatalf("%s: %v", target, err)
	}
	return &m, text
}

// A stream named legacy gets fMP4 in its own folder, and MPEG-TS below.
func TestStreamNamedLegacy(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 3, "-f", "mp4"))
	p.Name = "legacy"
	if m, text := mediaPlaylist(t, p, "/live/legacy/index.m3u8"); m.Map == nil {
		t.Errorf("/live/legacy/index.m3u8 is not the fMP4 playlist:\n%s", text)
	}
	if m, text := mediaPlaylist(t, p, "/live/legacy/legacy/index.m3u8"); m.Map != nil {
		t.Errorf("/live/legacy/legacy/index.m3u8 is not the MPEG-TS playlist:\n%s", text)
	}
}

// The legacy playlist lists the fMP4 playlist's segments, as MPEG-TS.
func TestLegacyPlaylist(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 7, "-f", "mp4"))
	want, _ := mediaPlaylist(t, p, "/live/film/index.m3u8")
	m, text := mediaPlaylist(t, p, "/live/film/legacy/index.m3u8")
	for _, tag := range []string{"#EXT-X-VERSION:3", "#EXT-X-PLAYLIST-TYPE:VOD", "#EXT-X-ENDLIST"} {
		if !bytes.Contains(text, []byte(tag+"\n")) {
			t.Errorf("the legacy playlist lacks %s:\n%s", tag, text)
		}
	}
	if m.Map != nil || bytes.Contains(text, []byte("EXT-X-MAP")) {
		t.Errorf("the legacy playlist has an initialization section:\n%s", text)
	}
	if len(m.Segments) != len(want.Segments) || len(m.Segments) != 4 {
		t.Fatalf("%d legacy segments, %d fMP4 ones, want 4:\n%s", len(m.Segments), len(want.Segments), text)
	}
	longest := time.Duration(0)
	for n, s := range m.Segments {
		if s.Duration != want.Segments[n].Duration {
			t.Errorf("legacy segment %d lasts %v, the fMP4 one %v", n, s.Duration, want.Segments[n].Duration)
		}
		if s.URI != "seg"+strconv.Itoa(n)+".ts" {
			t.Errorf("legacy segment %d is %q", n, s.URI)
		}
		longest = max(longest, s.Duration)
	}
	if m.TargetDuration != int(math.Ceil(longest.Seconds())) {
		t.Errorf("target duration %d for segments of %v at most", m.TargetDuration, longest)
	}
}

// A file whose only track is Opus has no legacy rendition.
func TestLegacyOpusOnly(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 3, "-map", "1:a", "-c:a", "libopus", "-f", "mp4"))
	for _, tc := range []struct {
		target string
		status int
	}{
		{"/live/film/index.m3u8", http.StatusOK},
		{"/live/film/seg0.mp4", http.StatusOK},
		{"/live/film/legacy/index.m3u8", http.StatusNotFound},
		{"/live/film/legacy/seg0.ts", http.StatusNotFound},
	} {
		if res := get(t, p, tc.target); res.StatusCode != tc.status {
			t.Errorf("%s: %s, want %d", tc.target, res.Status, tc.status)
		}
	}
}

// tsContent is what mediacommon's reader finds in an MPEG-TS segment.
type tsContent struct {
	video []tsPicture // in decoding order
	audio []int64     // the PTS of every AAC access unit
	pids  []uint16    // of the tracks, in the PMT's order
	pcr   map[uint16]int
}

type tsPicture struct {
	pts, dts int64
	au       [][]byte
}

func readTS(t *testing.T, data []byte) tsContent {
	t.Helper()
	r := &mpegts.Reader{R: bytes.NewReader(data)}
	if err := r.Initialize(); err != nil {
		t.Fatal(err)
	}
	c := tsContent{pcr: map[uint16]int{}}
	for _, track := range r.Tracks() {
		c.pids = append(c.pids, track.PID)
		switch codec := track.Codec.(type) {
		case *mpegts.CodecH264:
			r.OnDataH264(track, func(pts, dts int64, au [][]byte) error {
				c.video = append(c.video, tsPicture{pts, dts, au})
				return nil
			})
		case *mpegts.CodecMPEG4Audio:
			r.OnDataMPEG4Audio(track, func(pts int64, aus [][]byte) error {
				for i := range aus {
					c.audio = append(c.audio, pts+int64(i)*1024*90000/int64(codec.SampleRate))
				}
				return nil
			})
		default:
			t.Fatalf("track of %T", track.Codec)
		}
	}
	r.OnDecodeError(func(err error) { t.Errorf("decoding: %v", err) })
	for {
		err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	// The reader does not tell which PID carries the clock: look at the
	// adaptation fields.
	for i := 0; i+188 <= len(data); i += 188 {
		pkt := data[i : i+188]
		if pkt[3]&0x20 != 0 && pkt[4] > 0 && pkt[5]&0x10 != 0 {
			c.pcr[uint16(pkt[1]&0x1f)<<8|uint16(pkt[2])]++
		}
	}
	return c
}

// baseTimes returns the decode time of the first sample of every track
// of an fMP4 segment, in 90 kHz, by track ID.
func baseTimes(t *testing.T, p *Playlist, data []byte) map[int]int64 {
	t.Helper()
	var parts fmp4.Parts
	if err := parts.Unmarshal(data); err != nil {
		t.Fatal(err)
	}
	times := map[int]int64{}
	for _, pt := range parts[0].Tracks {
		times[pt.ID] = int64(pt.BaseTime) * 90000 / int64(p.f.Tracks()[pt.ID-1].ClockRate)
	}
	return times
}

// Every MPEG-TS segment starts with an IDR and its parameter sets, at the
// times of the fMP4 segment, and the segments together hold every
// picture and every AAC frame once, in order.
func TestLegacySegments(t *testing.T) {
	for _, tc := range []struct {
		name         string
		args         []string
		video, audio bool // in the MPEG-TS segments
	}{
		{"mp4", []string{"-f", "mp4"}, true, true},
		{"mpegts", []string{"-f", "mpegts"}, true, true},
		// Audio decodes before the first picture of the first segment.
		{"audio first", []string{"-vf", "setpts=PTS+0.5/TB", "-f", "mp4"}, true, true},
		{"opus", []string{"-c:a", "libopus", "-f", "mp4"}, true, false},
		{"aac only", []string{"-map", "1:a", "-f", "mp4"}, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p := start(t, media(t, "clip", 5, tc.args...))
			var dts, audio []int64
			for n := range p.segments {
				res := get(t, p, "/live/film/legacy/seg"+strconv.Itoa(n)+".ts")
				if res.StatusCode != http.StatusOK || res.Header.Get("Content-Type") != "video/mp2t" {
					t.Fatalf("segment %d: %s, %q", n, res.Status, res.Header.Get("Content-Type"))
				}
				c := readTS(t, body(t, res))
				if want := btoi(tc.video) + btoi(tc.audio); len(c.pids) != want {
					t.Fatalf("segment %d has %d tracks, want %d", n, len(c.pids), want)
				}
				if len(c.pcr) != 1 || c.pcr[c.pids[0]] == 0 {
					t.Errorf("segment %d has clock references on PIDs %v, want on %d (the first track) only", n, c.pcr, c.pids[0])
				}
				fmp4Times := baseTimes(t, p, body(t, get(t, p, "/live/film/seg"+strconv.Itoa(n)+".mp4")))
				if tc.video {
					first := c.video[0]
					if !h264.IsRandomAccess(first.au) || !hasUnit(first.au, h264.NALUTypeSPS) || !hasUnit(first.au, h264.NALUTypePPS) {
						t.Errorf("segment %d starts with NAL units %v, want SPS, PPS and IDR", n, unitTypes(first.au))
					}
					if first.dts != fmp4Times[1] {
						t.Errorf("segment %d: video starts at DTS %d, in fMP4 at %d", n, first.dts, fmp4Times[1])
					}
					for _, pic := range c.video {
						dts = append(dts, pic.dts)
					}
				}
				if tc.audio {
					id := 1 + btoi(tc.video)
					if c.audio[0] != fmp4Times[id] {
						t.Errorf("segment %d: audio starts at PTS %d, in fMP4 at %d", n, c.audio[0], fmp4Times[id])
					}
					audio = append(audio, c.audio...)
				}
			}
			const frame = 90000 / 30
			if tc.video {
				checkSteps(t, "video DTS", dts, len(p.f.Index(0)), 1, frame)
			}
			if tc.audio {
				checkSteps(t, "audio PTS", audio, len(p.f.Index(btoi(tc.video))), 1024*90000/48000, 1024*90000/48000)
			}
		})
	}
}

// checkSteps checks that there are count times, each from least to most
// after the one before.
func checkSteps(t *testing.T, what string, times []int64, count int, least, most int64) {
	t.Helper()
	if len(times) != count {
		t.Errorf("%d of %s in the segments, the file has %d", len(times), what, count)
	}
	for i := 1; i < len(times); i++ {
		if d := times[i] - times[i-1]; d < least || d > most {
			t.Errorf("%s %d comes %d after the one before, want %d to %d", what, i, d, least, most)
		}
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func hasUnit(au [][]byte, typ h264.NALUType) bool {
	for _, u := range au {
		if len(u) > 0 && h264.NALUType(u[0]&0x1f) == typ {
			return true
		}
	}
	return false
}

func unitTypes(au [][]byte) []h264.NALUType {
	var types []h264.NALUType
	for _, u := range au {
		if len(u) > 0 {
			types = append(types, h264.NALUType(u[0]&0x1f))
		}
	}
	return types
}
