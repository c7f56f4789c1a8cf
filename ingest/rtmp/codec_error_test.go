package rtmp

import (
	"errors"
	"fmt"
	"testing"

	"github.com/bluenviron/gortmplib/pkg/codecs"

	"github.com/llcast/llcast/ingest"
)

func TestUnsupportedCodec(t *testing.T) {
	cases := []struct {
		codec codecs.Codec
		want  string
	}{
		{&codecs.H265{}, "video codec H265 is not supported: set the encoder to H.264 (x264)"},
		{&codecs.AV1{}, "video codec AV1 is not supported: set the encoder to H.264 (x264)"},
		{&codecs.VP9{}, "video codec VP9 is not supported: set the encoder to H.264 (x264)"},
		{&codecs.MPEG1Audio{}, "audio codec MP3 is not supported: set the audio encoder to AAC"},
		{&codecs.AC3{}, "audio codec AC-3 is not supported: set the audio encoder to AAC"},
		{&codecs.FLAC{}, "audio codec FLAC is not supported: set the audio encoder to AAC"},
		{&codecs.G711{}, "audio codec G.711 is not supported: set the audio encoder to AAC"},
		{&codecs.LPCM{}, "audio codec PCM is not supported: set the audio encoder to AAC"},
	}
	for _, c := range cases {
		err := unsupportedCodec(c.codec)
		if err.Error() != c.want || !errors.Is(err, ingest.ErrUnsupportedCodec) {
			t.Errorf("unsupportedCodec(%T) = %v, want %q wrapping ErrUnsupportedCodec", c.codec, err, c.want)
		}
	}
}

func TestReadCodecError(t *testing.T) {
	other := errors.New("connection reset by peer")
	cases := []struct {
		err  error
		want string // empty: err comes back as it is
	}{
		{errors.New("unsupported video codec: 2"), "video codec Sorenson H.263 is not supported: set the encoder to H.264 (x264)"},
		{fmt.Errorf("read: %w", errors.New("unsupported video codec: 4")), "video codec VP6 is not supported: set the encoder to H.264 (x264)"},
		{errors.New("unsupported video codec: 99"), "video codec with FLV ID 99 is not supported: set the encoder to H.264 (x264)"},
		{errors.New("unsupported audio codec: 11"), "audio codec Speex is not supported: set the audio encoder to AAC"},
		{errors.New("unsupported fourCC: 1987470129"), `media codec "vvc1" is not supported: send H.264 video with AAC or Opus audio`},
		{other, ""},
	}
	for _, c := range cases {
		got := readCodecError(c.err)
		if c.want == "" {
			if got != c.err {
				t.Errorf("readCodecError(%v) = %v, want it unchanged", c.err, got)
			}
			continue
		}
		if got.Error() != c.want || !errors.Is(got, ingest.ErrUnsupportedCodec) {
			t.Errorf("readCodecError(%v) = %v, want %q wrapping ErrUnsupportedCodec", c.err, got, c.want)
		}
	}
}
