package file

import (
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"github.com/llcast/llcast/ingest"
)

// convertHint is what to tell someone whose file llcast cannot play.
const convertHint = "convert with ffmpeg -i IN -c:v libx264 -c:a aac OUT.mp4"

// unsupported is the error for a track of a codec llcast cannot pass on.
func unsupported(path, kind, codec string) error {
	return fmt.Errorf("%s: %s codec %s is not supported: %s: %w", path, kind, codec, convertHint, ingest.ErrUnsupportedCodec)
}

// h264Track describes an H.264 track from its sequence parameter set.
func h264Track(sps []byte) (*ingest.Track, error) {
	var s h264.SPS
	if err := s.Unmarshal(sps); err != nil {
		return nil, fmt.Errorf("invalid H.264 SPS: %w", err)
	}
	return &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: s.Width(), Height: s.Height()}, nil
}

// aacTrack describes an AAC track, refusing anything but AAC-LC (HE-AAC
// does not play everywhere HLS plays).
func aacTrack(path string, conf mpeg4audio.AudioSpecificConfig) (*ingest.Track, error) {
	if conf.Type != mpeg4audio.ObjectTypeAACLC || conf.ExtensionType != 0 {
		return nil, unsupported(path, "audio", fmt.Sprintf("MPEG-4 audio object type %d (not AAC-LC)", conf.Type))
	}
	if conf.SampleRate <= 0 {
		return nil, fmt.Errorf("%s: invalid AAC sample rate %d", path, conf.SampleRate)
	}
	channels := int(conf.ChannelConfig)
	switch {
	case channels == 7:
		channels = 8
	case channels == 0 || channels > 7:
		return nil, unsupported(path, "audio", fmt.Sprintf("AAC with channel configuration %d", conf.ChannelConfig))
	}
	return &ingest.Track{
		Codec:      ingest.CodecAAC,
		ClockRate:  conf.SampleRate,
		SampleRate: conf.SampleRate,
		Channels:   channels,
		AACConfig:  conf,
	}, nil
}
