package llhls

import (
	"slices"
	"testing"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/llcast/llcast/ingest"
)

func TestMultivariantListsTheRenditions(t *testing.T) {
	mv := multivariantOf(t, get(t, avStream(t), "index.m3u8").Body.Bytes())
	if len(mv.Variants) != 1 || len(mv.Renditions) != 1 {
		t.Fatalf("%d variants, %d renditions", len(mv.Variants), len(mv.Renditions))
	}
	v, r := mv.Variants[0], mv.Renditions[0]
	if v.URI != "video.m3u8" || !slices.Equal(v.Codecs, []string{"avc1.42c028", "mp4a.40.2"}) ||
		v.Resolution != "1920x1080" || v.FrameRate == nil || *v.FrameRate != 30 || v.Audio != r.GroupID {
		t.Errorf("variant %s, CODECS %q, RESOLUTION %s, FRAME-RATE %v, AUDIO %s",
			v.URI, v.Codecs, v.Resolution, v.FrameRate, v.Audio)
	}
	if v.Bandwidth <= 0 || v.AverageBandwidth == nil || *v.AverageBandwidth > v.Bandwidth {
		t.Errorf("BANDWIDTH %d, AVERAGE-BANDWIDTH %v", v.Bandwidth, v.AverageBandwidth)
	}
	if r.Type != playlist.MultivariantRenditionTypeAudio || r.URI == nil || *r.URI != "audio.m3u8" ||
		r.Channels == nil || *r.Channels != "2" || r.Language != "und" || r.Name != "Audio" || !r.Default {
		t.Errorf("audio rendition %+v", r)
	}
}

func TestMultivariantWithoutVideo(t *testing.T) {
	cases := []struct {
		track *ingest.Track
		codec string
	}{
		{aacTrack(), "mp4a.40.2"},
		{opusTrack(), "opus"},
	}
	for _, tc := range cases {
		t.Run(string(tc.track.Codec), func(t *testing.T) {
			m := startMuxer(t, &Muxer{Tracks: []*ingest.Track{tc.track}})
			for k := 0; !m.byName["audio"].current.Load().ready; k++ {
				s := aacSample(tc.track, k, 0)
				if tc.track.Codec == ingest.CodecOpus {
					s.DTS, s.PTS = int64(k)*960, int64(k)*960
				}
				if err := m.WriteSample(s); err != nil {
					t.Fatal(err)
				}
			}
			mv := multivariantOf(t, get(t, m, "index.m3u8").Body.Bytes())
			if len(mv.Variants) != 1 || len(mv.Renditions) != 0 {
				t.Fatalf("%d variants, %d renditions", len(mv.Variants), len(mv.Renditions))
			}
			if v := mv.Variants[0]; v.URI != "audio.m3u8" || !slices.Equal(v.Codecs, []string{tc.codec}) || v.Resolution != "" {
				t.Errorf("variant %s, CODECS %q, RESOLUTION %q", v.URI, v.Codecs, v.Resolution)
			}
		})
	}
}
