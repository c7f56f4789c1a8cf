package file

import (
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	tscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/llcast/llcast/ingest"
)

// tsScan gathers the index while the whole file is read once.
type tsScan struct {
	raw     [][]Entry // times in 90 kHz, unwrapped, not yet based
	lastPES []int64   // per track, where the last PES was handed over
	clock   []int64
	td      mpegts.TimeDecoder
	cr      *countingReader
	d       *tsDemuxer
}

// listen records the samples of chosen track i.
func (s *tsScan) listen(r *mpegts.Reader, i int) {
	t := s.d.tracks[i]
	switch t.Codec.(type) {
	case *tscodecs.H264:
		r.OnDataH264(t, func(pts, dts int64, au [][]byte) error {
			p := &s.d.params[i]
			sps, pps := ingest.H264ParamSets(au)
			if p.SPS == nil {
				p.SPS = sps
			}
			if p.PPS == nil {
				p.PPS = pps
			}
			size := 0
			for _, u := range au {
				size += len(u)
			}
			s.add(i, pts, dts, 0, Entry{Size: size, Key: h264.IsRandomAccess(au)})
			return nil
		})
	case *tscodecs.MPEG4Audio:
		r.OnDataMPEG4Audio(t, func(pts int64, aus [][]byte) error {
			for n, au := range aus {
				s.add(i, pts, pts, n, Entry{Size: len(au), Key: true})
			}
			return nil
		})
	}
}

// add records one sample, in 90 kHz until finish converts it.
func (s *tsScan) add(i int, pts, dts int64, sub int, e Entry) {
	offset := signed33(pts - dts)
	if sub == 0 {
		dts = s.td.Decode(dts)
		// Where to start reading to get this PES whole: before the
		// previous PES of the track was handed over, less what the
		// reader may have read ahead by then.
		start := max(0, s.lastPES[i]-tsReadAhead) / tsPacket * tsPacket
		s.lastPES[i] = s.cr.n
		s.d.starts[i] = append(s.d.starts[i], start)
	} else {
		dts = s.d.keys[i][len(s.d.keys[i])-1].dts
		s.d.starts[i] = append(s.d.starts[i], s.d.starts[i][len(s.d.starts[i])-1])
	}
	s.d.keys[i] = append(s.d.keys[i], tsKey{dts: dts, sub: sub})
	// Frames after the first of a PES follow it by one frame each.
	e.DTS = dts + rescale(int64(sub)*mpeg4audio.SamplesPerAccessUnit, s.clock[i], 90000)
	e.PTS = e.DTS + offset
	s.raw[i] = append(s.raw[i], e)
}

// signed33 reads a 33-bit timestamp difference as signed.
func signed33(v int64) int64 {
	v &= tsMask
	if v > tsMask/2 {
		v -= tsMask + 1
	}
	return v
}

// finish converts the recorded times to the tracks' clocks, counting from
// the earliest decoding time.
func (s *tsScan) finish(path string, tracks []*ingest.Track) (*layout, demuxer, error) {
	l := &layout{}
	var starts []startTime
	for i := range tracks {
		if len(s.raw[i]) > 0 {
			starts = append(starts, startTime{s.raw[i][0].DTS, 90000})
		}
	}
	if len(starts) == 0 {
		return nil, nil, fmt.Errorf("%s: the file has no video or audio samples", path)
	}
	base := earliest(starts).t
	d := &tsDemuxer{f: s.d.f, size: s.d.size, header: s.d.header}
	for i, t := range tracks {
		raw := s.raw[i]
		if len(raw) == 0 {
			continue
		}
		if t.IsVideo() {
			if !s.d.params[i].Ready() {
				return nil, nil, fmt.Errorf("%s: the H.264 track has no SPS and PPS", path)
			}
			it, err := h264Track(s.d.params[i].SPS)
			if err != nil {
				return nil, nil, fmt.Errorf("%s: %w", path, err)
			}
			*t = *it
		}
		entries, err := tsEntries(raw, base, t)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: %s track: %w", path, t.Codec, err)
		}
		l.tracks = append(l.tracks, t)
		l.index = append(l.index, entries)
		d.tracks = append(d.tracks, s.d.tracks[i])
		d.keys = append(d.keys, s.d.keys[i])
		d.starts = append(d.starts, s.d.starts[i])
		d.params = append(d.params, s.d.params[i])
	}
	return l, d, nil
}

// tsEntries converts one track's 90 kHz times to its clock. AAC frames
// follow each other exactly unless the file has a gap, so that rounding
// the PES times does not make them jitter.
func tsEntries(raw []Entry, base int64, t *ingest.Track) ([]Entry, error) {
	clock := int64(t.ClockRate)
	out := make([]Entry, len(raw))
	for n, e := range raw {
		e.DTS = rescale(e.DTS-base, 90000, clock)
		e.PTS = rescale(e.PTS-base, 90000, clock)
		if t.Codec == ingest.CodecAAC && n > 0 {
			want := out[n-1].DTS + mpeg4audio.SamplesPerAccessUnit
			if d := e.DTS - want; d > -mpeg4audio.SamplesPerAccessUnit/2 && d < mpeg4audio.SamplesPerAccessUnit/2 {
				e.DTS, e.PTS = want, want
			}
		}
		if n > 0 && e.DTS <= out[n-1].DTS {
			return nil, fmt.Errorf("decoding times go backwards at sample %d", n)
		}
		out[n] = e
	}
	for n := range out {
		switch {
		case n+1 < len(out):
			out[n].Duration = out[n+1].DTS - out[n].DTS
		case t.Codec == ingest.CodecAAC:
			out[n].Duration = mpeg4audio.SamplesPerAccessUnit
		case n > 0:
			out[n].Duration = out[n-1].Duration
		default:
			out[n].Duration = clock / 30
		}
	}
	return out, nil
}
