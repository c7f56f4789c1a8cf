package srt

import (
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/llcast/llcast/ingest"
)

// trackFor describes an MPEG-TS track as an ingest.Track. It returns nil
// and no error for a track that carries no picture or sound (KLV metadata,
// subtitles, an unknown stream type), which is ignored, and an error
// wrapping ingest.ErrUnsupportedCodec for picture or sound llcast cannot
// pass through. A video track's size is filled in later, from its SPS.
func trackFor(t *mpegts.Track) (*ingest.Track, error) {
	switch c := t.Codec.(type) {
	case *codecs.H264:
		return &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000}, nil
	case *codecs.MPEG4Audio:
		channels, err := aacChannels(c.Config)
		if err != nil {
			return nil, err
		}
		return &ingest.Track{
			Codec: ingest.CodecAAC, ClockRate: c.SampleRate,
			SampleRate: c.SampleRate, Channels: channels, AACConfig: c.Config,
		}, nil
	case *codecs.Opus:
		channels := c.ChannelCount //nolint:staticcheck // the descriptor is optional
		if c.Desc != nil {
			channels = c.Desc.ChannelCount()
		}
		return &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: channels}, nil
	case *codecs.H265:
		return nil, unsupported("video", "H.265", "H.264")
	case *codecs.MPEG4Video:
		return nil, unsupported("video", "MPEG-4 Video", "H.264")
	case *codecs.MPEG1Video:
		return nil, unsupported("video", "MPEG-1/2 Video", "H.264")
	case *codecs.MPEG1Audio:
		return nil, unsupported("audio", "MPEG-1 Audio (MP2, MP3)", "AAC or Opus")
	case *codecs.MPEG4AudioLATM:
		return nil, unsupported("audio", "AAC in LATM", "AAC with ADTS (ffmpeg's default) or Opus")
	case *codecs.AC3:
		return nil, unsupported("audio", "AC-3", "AAC or Opus")
	case *codecs.EAC3:
		return nil, unsupported("audio", "E-AC-3", "AAC or Opus")
	}
	return nil, nil
}

func unsupported(kind, name, instead string) error {
	return fmt.Errorf("%w: the %s is %s: set the encoder to %s", ingest.ErrUnsupportedCodec, kind, name, instead)
}

// aacChannels is the channel count of an AAC configuration from ADTS.
func aacChannels(c mpeg4audio.AudioSpecificConfig) (int, error) {
	switch {
	case c.ChannelConfig >= 1 && c.ChannelConfig <= 6:
		return int(c.ChannelConfig), nil
	case c.ChannelConfig == 7:
		return 8, nil
	}
	return 0, fmt.Errorf("%w: AAC without a standard channel layout: set the encoder to mono or stereo",
		ingest.ErrUnsupportedCodec)
}
