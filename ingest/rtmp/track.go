package rtmp

import (
	"errors"
	"fmt"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"

	"github.com/llcast/llcast/ingest"
)

// newTracks describes a publisher's tracks for ingest, or refuses them: at
// most one video and one audio track, of the codecs HLS and llcast take.
func newTracks(in []*gortmplib.Track) ([]*ingest.Track, error) {
	out := make([]*ingest.Track, len(in))
	var videos, audios int
	for i, t := range in {
		if t.Codec.IsVideo() {
			videos++
		} else {
			audios++
		}
		tr, err := newTrack(t)
		if err != nil {
			return nil, err
		}
		out[i] = tr
	}
	if videos > 1 || audios > 1 {
		return nil, fmt.Errorf("the stream has %d video and %d audio tracks: send at most one of each", videos, audios)
	}
	return out, nil
}

// newTrack describes one track for ingest.
func newTrack(t *gortmplib.Track) (*ingest.Track, error) {
	switch c := t.Codec.(type) {
	case *codecs.H264:
		var sps h264.SPS
		if err := sps.Unmarshal(c.SPS); err != nil {
			return nil, fmt.Errorf("invalid H.264 SPS: %w", err)
		}
		return &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: sps.Width(), Height: sps.Height()}, nil

	case *codecs.MPEG4Audio:
		if c.Config == nil || c.Config.SampleRate <= 0 {
			return nil, errors.New("the AAC configuration has no sample rate")
		}
		return &ingest.Track{
			Codec: ingest.CodecAAC, ClockRate: c.Config.SampleRate, SampleRate: c.Config.SampleRate,
			Channels: aacChannels(c.Config), AACConfig: *c.Config,
		}, nil

	case *codecs.Opus:
		channels := 2
		if c.IDHeader != nil && c.IDHeader.ChannelCount > 0 {
			channels = int(c.IDHeader.ChannelCount)
		}
		return &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: channels}, nil
	}
	return nil, unsupportedCodec(t.Codec)
}

// aacChannels returns the channel count of an AAC configuration; a layout
// given by a program config element (0) is taken as stereo.
func aacChannels(c *mpeg4audio.AudioSpecificConfig) int {
	switch {
	case c.ChannelConfig >= 1 && c.ChannelConfig <= 6:
		return int(c.ChannelConfig)
	case c.ChannelConfig == 7:
		return 8
	}
	return 2
}
