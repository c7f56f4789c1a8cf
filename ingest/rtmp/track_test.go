package rtmp

import (
	"errors"
	"strings"
	"testing"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/opus"

	"github.com/llcast/llcast/ingest"
)

func TestNewTracks(t *testing.T) {
	// x264's SPS for 320x240 High profile.
	sps := []byte{0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9, 0x41, 0x41, 0xfb, 0x01, 0x10, 0x00, 0x00, 0x03, 0x00, 0x10, 0x00, 0x00, 0x03, 0x03, 0xc0, 0xf1, 0x42, 0x99, 0x60}
	h264Track := &gortmplib.Track{Codec: &codecs.H264{SPS: sps, PPS: []byte{0x68, 0xeb, 0xe3, 0xcb, 0x22, 0xc0}}}
	aac := mpeg4audio.AudioSpecificConfig{Type: mpeg4audio.ObjectTypeAACLC, SampleRate: 44100, ChannelConfig: 2}
	aacTrack := &gortmplib.Track{Codec: &codecs.MPEG4Audio{Config: &aac}}
	opusTrack := &gortmplib.Track{Codec: &codecs.Opus{IDHeader: &opus.IDHeader{Version: 1, ChannelCount: 1}}}

	cases := []struct {
		name string
		in   []*gortmplib.Track
		want []ingest.Track
		err  string
	}{
		{"H.264 and AAC", []*gortmplib.Track{h264Track, aacTrack}, []ingest.Track{
			{Codec: ingest.CodecH264, ClockRate: 90000, Width: 320, Height: 240},
			{Codec: ingest.CodecAAC, ClockRate: 44100, SampleRate: 44100, Channels: 2, AACConfig: aac},
		}, ""},
		{"video only", []*gortmplib.Track{h264Track}, []ingest.Track{
			{Codec: ingest.CodecH264, ClockRate: 90000, Width: 320, Height: 240},
		}, ""},
		{"Opus only", []*gortmplib.Track{opusTrack}, []ingest.Track{
			{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 1},
		}, ""},
		{"H.265", []*gortmplib.Track{{Codec: &codecs.H265{}}, aacTrack}, nil, "video codec H265 is not supported"},
		{"two audio tracks", []*gortmplib.Track{h264Track, aacTrack, opusTrack}, nil, "at most one of each"},
		{"broken SPS", []*gortmplib.Track{{Codec: &codecs.H264{SPS: []byte{0x67}}}}, nil, "invalid H.264 SPS"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := newTracks(c.in)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("newTracks() error = %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(c.want) {
				t.Fatalf("%d tracks, want %d", len(got), len(c.want))
			}
			for i := range got {
				if *got[i] != c.want[i] {
					t.Errorf("track %d = %+v, want %+v", i, *got[i], c.want[i])
				}
			}
		})
	}
	if _, err := newTracks([]*gortmplib.Track{{Codec: &codecs.AV1{}}}); !errors.Is(err, ingest.ErrUnsupportedCodec) {
		t.Errorf("AV1: error %v does not wrap ErrUnsupportedCodec", err)
	}
}
