package rtmp

import (
	"fmt"
	"regexp"
	"strconv"

	"github.com/bluenviron/gortmplib/pkg/codecs"

	"github.com/llcast/llcast/ingest"
)

// What a publisher is told to change to.
const (
	fixVideo = "set the encoder to H.264 (x264)"
	fixAudio = "set the audio encoder to AAC"
	fixOther = "send H.264 video with AAC or Opus audio"
)

// codecError names a codec llcast cannot pass through and what to choose
// instead. It wraps ingest.ErrUnsupportedCodec.
type codecError struct {
	kind string // "video", "audio" or "media" when RTMP does not say
	name string
	fix  string
}

func (e *codecError) Error() string {
	return fmt.Sprintf("%s codec %s is not supported: %s", e.kind, e.name, e.fix)
}

func (e *codecError) Unwrap() error { return ingest.ErrUnsupportedCodec }

// unsupportedCodec describes a track gortmplib understood but llcast does
// not take.
func unsupportedCodec(c codecs.Codec) error {
	switch c.(type) {
	case *codecs.H265:
		return &codecError{"video", "H265", fixVideo}
	case *codecs.AV1:
		return &codecError{"video", "AV1", fixVideo}
	case *codecs.VP9:
		return &codecError{"video", "VP9", fixVideo}
	case *codecs.MPEG1Audio:
		return &codecError{"audio", "MP3", fixAudio}
	case *codecs.AC3:
		return &codecError{"audio", "AC-3", fixAudio}
	case *codecs.FLAC:
		return &codecError{"audio", "FLAC", fixAudio}
	case *codecs.G711:
		return &codecError{"audio", "G.711", fixAudio}
	case *codecs.LPCM:
		return &codecError{"audio", "PCM", fixAudio}
	}
	if c.IsVideo() {
		return &codecError{"video", fmt.Sprintf("%T", c), fixVideo}
	}
	return &codecError{"audio", fmt.Sprintf("%T", c), fixAudio}
}

// gortmplib fails to decode a message of a codec it does not know, before
// any track exists; these are the errors it says so with (pkg/message).
var (
	unknownVideoID = regexp.MustCompile(`unsupported video codec: (\d+)`)
	unknownAudioID = regexp.MustCompile(`unsupported audio codec: (\d+)`)
	unknownFourCC  = regexp.MustCompile(`unsupported fourCC: (\d+)`)
)

// flvVideoCodecs and flvAudioCodecs name the FLV codec IDs gortmplib
// cannot decode.
var (
	flvVideoCodecs = map[int]string{
		1: "JPEG", 2: "Sorenson H.263", 3: "Screen Video", 4: "VP6", 5: "VP6 with alpha",
		6: "Screen Video 2",
	}
	flvAudioCodecs = map[int]string{
		0: "PCM", 1: "ADPCM", 4: "Nellymoser", 5: "Nellymoser", 6: "Nellymoser",
		11: "Speex", 14: "MP3 8 kHz", 15: "device-specific",
	}
)

// readCodecError returns the codecError that a gortmplib read error stands
// for, or err itself.
func readCodecError(err error) error {
	msg := err.Error()
	if m := unknownVideoID.FindStringSubmatch(msg); m != nil {
		return &codecError{"video", flvName(flvVideoCodecs, m[1]), fixVideo}
	}
	if m := unknownAudioID.FindStringSubmatch(msg); m != nil {
		return &codecError{"audio", flvName(flvAudioCodecs, m[1]), fixAudio}
	}
	if m := unknownFourCC.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.ParseUint(m[1], 10, 32)
		return &codecError{"media", strconv.Quote(string([]byte{byte(n >> 24), byte(n >> 16), byte(n >> 8), byte(n)})), fixOther}
	}
	return err
}

func flvName(names map[int]string, id string) string {
	n, _ := strconv.Atoi(id)
	if name, ok := names[n]; ok {
		return name
	}
	return "with FLV ID " + id
}
