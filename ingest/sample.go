package ingest

import (
	"fmt"
	"strings"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// Codec names an encoding that a Track carries.
type Codec string

// Codecs produced by ingest.
const (
	CodecH264 Codec = "h264"
	CodecAAC  Codec = "aac"
	CodecOpus Codec = "opus"
)

// AudioCodec returns the audio codec named by s ("aac" or "opus").
func AudioCodec(s string) (Codec, error) {
	switch c := Codec(s); c {
	case CodecAAC, CodecOpus:
		return c, nil
	}
	return "", fmt.Errorf("unknown audio codec %q: use aac or opus", s)
}

// Track describes one elementary stream of a source. Its fields are fixed
// once the source has started.
type Track struct {
	Codec Codec
	// ClockRate is the unit of Sample.PTS: 90000 for video, the sample rate
	// for audio (which is what HLS muxers require).
	ClockRate int

	// Video only.
	Width, Height, FPS int
	// ConstantRate says that a video sample comes exactly every 1/FPS,
	// as llcast's own pipeline sends them: a muxer then knows a picture's
	// duration when it arrives and need not wait for the next.
	ConstantRate bool

	// Audio only.
	SampleRate, Channels int
	// AACConfig describes the AAC stream for CodecAAC.
	AACConfig mpeg4audio.AudioSpecificConfig
}

// String describes the track for a log: "h264 1280x720", "aac 48000 Hz 2 ch".
func (t *Track) String() string {
	if t.IsVideo() {
		if t.Width == 0 {
			return string(t.Codec)
		}
		return fmt.Sprintf("%s %dx%d", t.Codec, t.Width, t.Height)
	}
	return fmt.Sprintf("%s %d Hz %d ch", t.Codec, t.ClockRate, t.Channels)
}

// DescribeTracks lists tracks for a log: "h264 1280x720, aac 48000 Hz 2 ch".
func DescribeTracks(tracks []*Track) string {
	names := make([]string, len(tracks))
	for i, t := range tracks {
		names[i] = t.String()
	}
	return strings.Join(names, ", ")
}

// IsVideo reports whether the track carries video.
func (t *Track) IsVideo() bool { return t.Codec == CodecH264 }

// Sample is one encoded access unit.
type Sample struct {
	Track *Track
	// PTS is the presentation time in Track.ClockRate units. All tracks of
	// one source count from the same instant, which is what keeps lips in
	// sync.
	PTS int64
	// DTS is the decoding time in the same units. It equals PTS for audio
	// and for video without B-frames (llcast's own encoders); an encoder
	// that reorders frames (OBS, ffmpeg) sends DTS ≤ PTS, in decoding order.
	DTS int64
	// NTP is the wall-clock time at which the sample was captured; it ends up
	// in EXT-X-PROGRAM-DATE-TIME and is how viewers measure latency.
	NTP time.Time
	// Units holds the NAL units of one H.264 access unit, or exactly one AAC
	// access unit or Opus packet.
	Units [][]byte
}

// Duration converts the sample's PTS to a duration from the source's start.
func (s Sample) Duration() time.Duration { return s.Track.Duration(s.PTS) }

// Duration converts n ticks of the track's clock to a duration.
func (t *Track) Duration(n int64) time.Duration {
	// Split to keep n·1e9 from overflowing int64 on long streams.
	rate := int64(t.ClockRate)
	return time.Duration(n/rate)*time.Second + time.Duration(n%rate)*time.Second/time.Duration(rate)
}
