package segmenter

import (
	"bytes"
	"compress/gzip"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"

	"github.com/llcast/llcast/ingest"
)

// audioLate is how much later than the video of the same time the
// pipeline emits audio: a frame's length, its jitter margin and the codec
// delay.
const audioLate = 95 * time.Millisecond

// startAVStream starts a stream of H.264 and AAC and writes seconds of
// both the way the pipeline does: audio audioLate behind the video.
func startAVStream(t *testing.T, lang string, seconds int) *Stream {
	t.Helper()
	video, enc := newTestTracks(t)
	aenc := &ingest.AACEncoder{}
	if err := aenc.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(aenc.Close)
	audio := &ingest.Track{Codec: ingest.CodecAAC, ClockRate: 48000, SampleRate: 48000, Channels: 2, AACConfig: aenc.Config()}
	s := &Stream{Name: "main", Tracks: []*ingest.Track{video, audio}, AudioLanguage: lang, Logger: slog.New(slog.DiscardHandler)}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)

	type timed struct {
		emit   time.Duration
		sample ingest.Sample
	}
	var all []timed
	start := time.Unix(1_700_000_000, 0)
	img, pcm := grey(64, 64), make([]int16, 1024*2)
	for i := range 30 * seconds {
		au, err := enc.Encode(img)
		if err != nil {
			t.Fatal(err)
		}
		at := time.Duration(i) * time.Second / 30
		all = append(all, timed{at, ingest.Sample{Track: video, PTS: int64(i) * 3000, NTP: start.Add(at), Units: au}})
	}
	for k := range int64(seconds) * 48000 / 1024 {
		pkt, err := aenc.Encode(pcm)
		if err != nil {
			t.Fatal(err)
		}
		pts := k*1024 - int64(aenc.Delay())
		at := time.Duration(pts) * time.Second / 48000
		all = append(all, timed{at + audioLate, ingest.Sample{Track: audio, PTS: pts, NTP: start.Add(at), Units: [][]byte{pkt}}})
	}
	slices.SortStableFunc(all, func(a, b timed) int { return int(a.emit - b.emit) })
	for i, e := range all {
		if err := s.Write(e.sample); err != nil {
			t.Fatalf("sample %d: %v", i, err)
		}
		if i%256 == 255 { // let the writer keep up with the queue
			waitFor(t, "samples", func() bool { return s.Stats().Written+256 >= uint64(i+1) })
		}
	}
	waitFor(t, "samples to be written", func() bool { return s.Stats().Written == uint64(len(all)) })
	return s
}

func mediaPlaylistOf(t *testing.T, s *Stream, name string) *playlist.Media {
	t.Helper()
	rec := get(t, s, "/live/main/"+name)
	pl, err := playlist.Unmarshal(rec.Body.Bytes())
	if rec.Code != http.StatusOK || err != nil {
		t.Fatalf("%s: %d %v\n%s", name, rec.Code, err, rec.Body.String())
	}
	return pl.(*playlist.Media)
}

// TestStreamAudioSegmentsLastTheirEXTINF: gohlslib cuts the audio where
// the video cuts; the audio that comes later than the video must still end
// up in the segment of its time.
func TestStreamAudioSegmentsLastTheirEXTINF(t *testing.T) {
	s := startAVStream(t, "", 6)
	pl := mediaPlaylistOf(t, s, "audio2_stream.m3u8")
	const frame = time.Second * 1024 / 48000
	var listed, media time.Duration
	segments := 0
	for _, seg := range pl.Segments {
		if seg.Gap {
			continue
		}
		rec := get(t, s, "/live/main/"+seg.URI)
		var parts fmp4.Parts
		if err := parts.Unmarshal(rec.Body.Bytes()); err != nil {
			t.Fatalf("%s: %v", seg.URI, err)
		}
		var ticks uint64
		for _, p := range parts {
			for _, tr := range p.Tracks {
				for _, smp := range tr.Samples {
					ticks += uint64(smp.Duration)
				}
			}
		}
		d := time.Duration(ticks) * time.Second / 48000
		listed, media = listed+seg.Duration, media+d
		if diff := (listed - media).Abs(); diff > frame {
			t.Errorf("%s: EXTINF %v, media %v; up to it they add up to %v and %v, more than a frame apart",
				seg.URI, seg.Duration, d, listed, media)
		}
		segments++
	}
	if segments < 4 {
		t.Fatalf("only %d audio segments:\n%s", segments, get(t, s, "/live/main/audio2_stream.m3u8").Body.String())
	}
}

func TestStreamCompletesPlaylists(t *testing.T) {
	s := startAVStream(t, "de", 5)
	mv := get(t, s, "/live/main/index.m3u8").Body.String()
	if !strings.Contains(mv, `LANGUAGE="de",NAME="Deutsch"`) {
		t.Errorf("no LANGUAGE and NAME on the audio rendition:\n%s", mv)
	}
	// BANDWIDTH covers video and audio: at least the largest video segment
	// and audio segment together.
	var peak float64
	video, audio := mediaPlaylistOf(t, s, "video1_stream.m3u8"), mediaPlaylistOf(t, s, "audio2_stream.m3u8")
	for i, seg := range video.Segments {
		if !seg.Gap {
			size := get(t, s, "/live/main/"+seg.URI).Body.Len() + get(t, s, "/live/main/"+audio.Segments[i].URI).Body.Len()
			peak = max(peak, float64(size*8)/seg.Duration.Seconds())
		}
	}
	var bw int
	for _, attrs := range tagLines(mv, "#EXT-X-STREAM-INF:") {
		bw = atoi(t, attr(strings.TrimPrefix(attrs, "#EXT-X-STREAM-INF:"), "BANDWIDTH"))
	}
	if float64(bw) < peak {
		t.Errorf("BANDWIDTH=%d, below the peak %0.f of video and audio:\n%s", bw, peak, mv)
	}

	for _, c := range []struct{ name, other string }{
		{"video1_stream.m3u8", "audio2_stream.m3u8"},
		{"video1_stream.m3u8?_HLS_skip=YES", "audio2_stream.m3u8"},
		{"audio2_stream.m3u8", "video1_stream.m3u8"},
	} {
		body := get(t, s, "/live/main/"+c.name).Body.String()
		if !strings.Contains(body, "PART-HOLD-BACK=0.60000") {
			t.Errorf("%s: PART-HOLD-BACK is not 3 part targets:\n%s", c.name, body)
		}
		if !strings.Contains(body, `#EXT-X-RENDITION-REPORT:URI="`+c.other+`",LAST-MSN=`) {
			t.Errorf("%s: no rendition report for %s:\n%s", c.name, c.other, body)
		}
	}
}

func TestStreamGzipsPlaylistsOnly(t *testing.T) {
	track, enc := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	defer s.Close()
	feedVideo(t, s, track, enc, 0, 90)
	waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
	pl := mediaPlaylistOf(t, s, "video1_stream.m3u8")
	for _, target := range []string{"index.m3u8", "video1_stream.m3u8", pl.Map.URI, pl.Segments[len(pl.Segments)-1].URI} {
		req := httptest.NewRequest(http.MethodGet, "/live/main/"+target, nil)
		req.Header.Set("Accept-Encoding", "gzip")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		isPlaylist := strings.HasSuffix(target, ".m3u8")
		if gz := rec.Header().Get("Content-Encoding") == "gzip"; gz != isPlaylist {
			t.Errorf("%s: Content-Encoding %q", target, rec.Header().Get("Content-Encoding"))
			continue
		}
		if !isPlaylist {
			continue
		}
		zr, err := gzip.NewReader(rec.Body)
		if err != nil {
			t.Fatal(err)
		}
		body, err := io.ReadAll(zr)
		if err != nil || !bytes.HasPrefix(body, []byte("#EXTM3U")) {
			t.Errorf("%s: %v %q", target, err, body)
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" || rec.Header().Get("Content-Type") == "" || rec.Header().Get("Cache-Control") == "" {
			t.Errorf("%s: headers %v", target, rec.Header())
		}
	}
}

func TestStreamServesRemovedSegments(t *testing.T) {
	track, enc := newTestTracks(t)
	s := startStream(t, track, io.Discard)
	defer s.Close()
	feedVideo(t, s, track, enc, 0, 90) // 3 s
	waitFor(t, "samples", func() bool { return s.Stats().Written == 90 })
	pl := mediaPlaylistOf(t, s, "video1_stream.m3u8") // lists them: the keeper copies them
	first := slices.IndexFunc(pl.Segments, func(s *playlist.MediaSegment) bool { return !s.Gap })
	name := pl.Segments[first].URI
	want := get(t, s, "/live/main/"+name).Body.Bytes()

	feedVideo(t, s, track, enc, 90, 270) // 9 s more: it leaves the playlist
	waitFor(t, "samples", func() bool { return s.Stats().Written == 360 })
	if now := mediaPlaylistOf(t, s, "video1_stream.m3u8"); now.MediaSequence <= pl.MediaSequence+first {
		t.Fatalf("segment %s is still listed", name)
	}
	rec := get(t, s, "/live/main/"+name)
	if rec.Code != http.StatusOK || !bytes.Equal(rec.Body.Bytes(), want) || rec.Header().Get("Content-Type") != "video/mp4" {
		t.Fatalf("removed segment %s: %d, %d bytes (want %d), %v", name, rec.Code, rec.Body.Len(), len(want), rec.Header())
	}
	// A part is not kept, nor a name never listed.
	for _, p := range []string{pl.Segments[len(pl.Segments)-1].Parts[0].URI, strings.Replace(name, "_seg", "_seg9", 1)} {
		if rec := get(t, s, "/live/main/"+p); rec.Code != http.StatusNotFound {
			t.Errorf("%s: %d, want 404", p, rec.Code)
		}
	}
}
