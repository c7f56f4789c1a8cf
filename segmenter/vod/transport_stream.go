package vod

import (
	"bytes"
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/file"
)

// tsCodecs says how MPEG-TS carries each track, nil where it cannot, or
// returns nil if it carries none. Opus is left out: HLS does not allow it
// in MPEG-TS and the players that need MPEG-TS cannot decode it. So with
// Opus audio the legacy rendition is video only, and a file with Opus and
// no video has no legacy rendition: its legacy names are not found (404).
// An AAC file without video gets an audio-only one.
func tsCodecs(tracks []*ingest.Track) []mpegts.Codec {
	codecs := make([]mpegts.Codec, len(tracks))
	carried := false
	for i, t := range tracks {
		switch t.Codec {
		case ingest.CodecH264:
			codecs[i] = &mpegts.CodecH264{}
		case ingest.CodecAAC:
			codecs[i] = &mpegts.CodecMPEG4Audio{Config: t.AACConfig}
		default:
			continue
		}
		carried = true
	}
	if !carried {
		return nil
	}
	return codecs
}

// transportStream writes segment n as MPEG-TS holding the samples of the
// tracks codecs carries: H.264 in Annex B (the file's samples carry SPS
// and PPS in front of every IDR; the writer adds access unit delimiters)
// and AAC in ADTS, at the fMP4 rendition's timestamps in 90 kHz. Each
// segment has a writer of its own, so that it starts with PAT and PMT
// and is the same however the segments before it were asked for. So
// continuity counters start again in each (mediacommon's writer cannot
// start them elsewhere): ffmpeg warns of a corrupt packet at each
// segment's start and decodes on.
func transportStream(f *file.File, codecs []mpegts.Codec, n int, seg segment) ([]byte, error) {
	span := file.Span{From: append([]int(nil), seg.span.From...), To: append([]int(nil), seg.span.To...)}
	tracks := make([]*mpegts.Track, len(codecs))
	var list []*mpegts.Track
	waiting := false // for the segment's first picture
	for i, c := range codecs {
		if c == nil {
			span.To[i] = span.From[i]
			continue
		}
		tracks[i] = &mpegts.Track{Codec: c}
		list = append(list, tracks[i])
		waiting = waiting || (c.IsVideo() && span.From[i] < span.To[i])
	}
	var buf bytes.Buffer
	w := &mpegts.Writer{W: &buf, Tracks: list}
	if err := w.Initialize(); err != nil {
		return nil, fmt.Errorf("segment %d: %w", n, err)
	}
	write := func(s indexedSample) error {
		if err := writeTS(w, tracks[s.track], s.Sample); err != nil {
			return fmt.Errorf("segment %d: %w", n, err)
		}
		return nil
	}
	// The writer gives the clock (PCR) to the first track written and
	// names it in the segment's PMT. Every segment's PMT has version 0,
	// so a player reading segment after segment need not read it again:
	// the clock must stay with the video. Audio that decodes before a
	// segment's first picture waits for it.
	var early []indexedSample
	for s, err := range samples(f, span) {
		switch {
		case err != nil:
			return nil, err
		case waiting && !s.Track.IsVideo():
			early = append(early, s)
			continue
		}
		if err := write(s); err != nil {
			return nil, err
		}
		if waiting {
			waiting = false
			for _, a := range early {
				if err := write(a); err != nil {
					return nil, err
				}
			}
		}
	}
	return buf.Bytes(), nil
}

// writeTS writes one sample, its times turned into 90 kHz.
func writeTS(w *mpegts.Writer, t *mpegts.Track, s ingest.Sample) error {
	if len(s.Units) == 0 {
		return nil
	}
	rate := int64(s.Track.ClockRate)
	pts := s.PTS * 90000 / rate
	if s.Track.IsVideo() {
		return w.WriteH264(t, pts, s.DTS*90000/rate, s.Units)
	}
	return w.WriteMPEG4Audio(t, pts, s.Units)
}
