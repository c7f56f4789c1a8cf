package llhls

import (
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

const (
	// holdBackParts is PART-HOLD-BACK in part targets: RFC 8216bis 4.4.3.8
	// asks for at least 2 and recommends 3; Apple's HLS authoring
	// specification requires 3.
	holdBackParts = 3
	// skipTargets is CAN-SKIP-UNTIL in target durations, the least RFC
	// 8216bis 4.4.3.8 allows: the longer a delta update may skip, the
	// smaller it is.
	skipTargets = 6
	// partTargets is how far back from the live edge, in target
	// durations, the parts of segments stay listed (RFC 8216bis 4.4.4.9:
	// at least 3).
	partTargets = 3
)

// render writes the media playlist with uriEnd after every URI (see
// rendered); with skip the delta update, or nil when no segment is old
// enough to skip. s is ready.
func (s *snapshot) render(skip bool) []byte {
	pl := s.pl
	td := time.Duration(s.target) * time.Second
	m := &playlist.Media{
		Version:             3,
		IndependentSegments: true,
		TargetDuration:      s.target,
		MediaSequence:       s.segments[0].msn,
	}
	if s.discSeq > 0 {
		m.DiscontinuitySequence = &s.discSeq
	}
	if s.init {
		m.Version = 6
		m.Map = &playlist.MediaMap{URI: initName(pl.prefix, pl.rendition) + uriEnd}
	}
	if pl.lowLatency() {
		m.Version = 9 // EXT-X-SKIP
		holdBack, skipUntil := holdBackParts*pl.partTarget, skipTargets*td
		m.ServerControl = &playlist.MediaServerControl{
			CanBlockReload: true, PartHoldBack: &holdBack, CanSkipUntil: &skipUntil,
		}
		m.PartInf = &playlist.MediaPartInf{PartTarget: pl.partTarget}
	}

	segs := s.segments
	if skip {
		n := skippable(segs, skipTargets*td)
		if n == 0 {
			return nil
		}
		m.Skip = &playlist.MediaSkip{SkippedSegments: n}
		segs = segs[n:]
	}

	// The parts of the segments that end within partTargets target
	// durations of the live edge stay listed.
	edge := time.Duration(0)
	for _, p := range s.partList {
		edge += p.duration
	}
	withParts := len(segs)
	for i := len(segs) - 1; i >= 0 && edge < partTargets*td; i-- {
		withParts = i
		edge += segs[i].duration
	}
	for i, seg := range segs {
		start := seg.start
		ms := &playlist.MediaSegment{
			Duration: seg.duration, URI: seg.name + uriEnd, DateTime: &start, Discontinuity: seg.discontinuity,
		}
		if i >= withParts {
			ms.Parts = mediaParts(seg.parts)
		}
		m.Segments = append(m.Segments, ms)
	}
	if pl.lowLatency() {
		m.Parts = mediaParts(s.partList)
		m.PreloadHint = &playlist.MediaPreloadHint{URI: partName(pl.prefix, pl.rendition, s.nextPart) + uriEnd}
		for _, r := range s.reports {
			last := r.part
			m.RenditionReport = append(m.RenditionReport,
				&playlist.MediaRenditionReport{URI: r.uri + uriEnd, LastMSN: r.msn, LastPart: &last})
		}
	}
	text, _ := m.Marshal() // it has no error to return
	return text
}

func mediaParts(parts []*part) []*playlist.MediaPart {
	out := make([]*playlist.MediaPart, len(parts))
	for i, p := range parts {
		out[i] = &playlist.MediaPart{Duration: p.duration, URI: p.name + uriEnd, Independent: p.independent}
	}
	return out
}

// skippable counts the leading segments a delta update may leave out:
// those that start at least until before the end of the last segment
// (RFC 8216bis 6.2.5.1).
func skippable(segs []*segment, until time.Duration) int {
	var total time.Duration
	for _, s := range segs {
		total += s.duration
	}
	n := 0
	var start time.Duration
	for _, s := range segs {
		if total-start < until {
			break
		}
		n++
		start += s.duration
	}
	return n
}
