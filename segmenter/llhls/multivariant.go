package llhls

import (
	"math"
	"strconv"

	"github.com/bluenviron/gohlslib/v2/pkg/codecparams"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/llcast/llcast/ingest"
)

// audioGroup is the GROUP-ID of the audio renditions.
const audioGroup = "audio"

// renderMultivariant writes the multivariant playlist: one variant (the
// video, or the first audio track without video) and the audio
// renditions, with the bit rates measured over the segments listed now.
// Every playlist is ready.
func (m *Muxer) renderMultivariant() []byte {
	mv := &playlist.Multivariant{Version: 9, IndependentSegments: true}
	peak, avg := m.bitrates()
	v := &playlist.MultivariantVariant{Bandwidth: peak, AverageBandwidth: &avg}
	if m.video != nil {
		v.URI = m.video.pl.fileName() + uriEnd
		v.Codecs = append(v.Codecs, codecparams.Marshal(&codecs.H264{SPS: m.video.sps, PPS: m.video.pps}))
		var sps h264.SPS
		if sps.Unmarshal(m.video.sps) == nil {
			v.Resolution = strconv.Itoa(sps.Width()) + "x" + strconv.Itoa(sps.Height())
		}
		if fps := m.video.in.FPS; fps > 0 {
			rate := float64(fps)
			v.FrameRate = &rate
		} else if fps := sps.FPS(); fps > 0 {
			rate := math.Round(fps*1000) / 1000
			v.FrameRate = &rate
		}
	}
	for i, t := range m.audio {
		if i == 0 {
			v.Codecs = append(v.Codecs, audioCodec(t.in))
		}
		if m.video == nil && i == 0 {
			v.URI = t.pl.fileName() + uriEnd
			continue
		}
		name := m.AudioName
		if i > 0 {
			name += " " + strconv.Itoa(i+1)
		}
		uri := t.pl.fileName() + uriEnd
		channels := strconv.Itoa(t.in.Channels)
		mv.Renditions = append(mv.Renditions, &playlist.MultivariantRendition{
			Type: playlist.MultivariantRenditionTypeAudio, GroupID: audioGroup,
			Name: name, Language: m.AudioLanguage, Autoselect: true, Default: len(mv.Renditions) == 0,
			Channels: &channels, URI: &uri,
		})
		v.Audio = audioGroup
	}
	mv.Variants = []*playlist.MultivariantVariant{v}
	text, _ := mv.Marshal() // it has no error to return
	return text
}

func audioCodec(in *ingest.Track) string {
	if in.Codec == ingest.CodecOpus {
		return codecparams.Marshal(&codecs.Opus{ChannelCount: in.Channels})
	}
	return codecparams.Marshal(&codecs.MPEG4Audio{Config: in.AACConfig})
}
