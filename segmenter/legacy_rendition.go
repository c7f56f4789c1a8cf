package segmenter

import (
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/llcast/llcast/ingest"
)

// legacySegmentCount is how many segments the legacy playlist lists; old
// players start three from the end and need the rest to ride out a stall.
const legacySegmentCount = 7

// legacyRendition is a stream in classic HLS: MPEG-TS segments, no parts,
// no blocking reloads, which is what old TVs and set-top boxes play. It has
// its own gohlslib tracks because the muxer keeps SPS and PPS in them.
// Only the stream's writer goroutine calls write.
type legacyRendition struct {
	muxer  *gohlslib.Muxer
	out    *muxerOutput
	tracks map[*ingest.Track]*gohlslib.Track // the tracks MPEG-TS can carry
}

// newLegacyRendition starts a muxer for the tracks MPEG-TS can carry. Opus
// cannot go in MPEG-TS for HLS, so an Opus track is left out, which is
// logged once.
func newLegacyRendition(tracks []*ingest.Track, segment time.Duration, log *slog.Logger,
	onEncodeError func(error),
) (*legacyRendition, error) {
	l := &legacyRendition{tracks: make(map[*ingest.Track]*gohlslib.Track, len(tracks))}
	muxTracks := make([]*gohlslib.Track, 0, len(tracks))
	for _, t := range tracks {
		if t.Codec == ingest.CodecOpus {
			log.Warn("the legacy rendition has no sound: Opus cannot go in MPEG-TS; choose AAC audio for old TVs")
			continue
		}
		mt, err := muxerTrack(t)
		if err != nil {
			return nil, err
		}
		l.tracks[t] = mt
		muxTracks = append(muxTracks, mt)
	}
	if len(muxTracks) == 0 {
		return nil, errors.New("the legacy rendition (Legacy) needs an H.264 or AAC track: Opus cannot go in MPEG-TS")
	}
	l.muxer = &gohlslib.Muxer{
		Tracks:             muxTracks,
		Variant:            gohlslib.MuxerVariantMPEGTS,
		SegmentCount:       legacySegmentCount,
		SegmentMinDuration: segment,
		OnEncodeError:      onEncodeError,
	}
	if err := l.muxer.Start(); err != nil {
		return nil, fmt.Errorf("starting the legacy muxer: %w", err)
	}
	// One muxed stream: one media playlist.
	l.out = newMuxerOutput(l.muxer, targetDuration(segment), legacySegmentCount, 1, false)
	return l, nil
}

// write passes a sample to the muxer unless its track was left out.
func (l *legacyRendition) write(sample ingest.Sample) error {
	mt, ok := l.tracks[sample.Track]
	if !ok {
		return nil
	}
	return writeSample(l.muxer, mt, sample)
}
