package segmenter

import (
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/llcast/llcast/ingest"
)

// startGate holds back the audio that a gohlslib fMP4 muxer would drop at
// the start of a stream.
//
// The muxer begins its first segment at the first IDR, but only once the
// next video sample arrives (it holds each sample back until the next
// gives its duration), and until then drops the samples of the other
// tracks. In time order, the audio of that first frame's duration comes
// in between, so the first audio segment would lack it and be shorter
// than its EXTINF. The gate keeps that audio and writes it right after
// the sample that made the muxer begin. Only the writer goroutine uses it.
type startGate struct {
	open bool // the muxer has begun its first segment
	idr  bool // the first IDR was written
	held []ingest.Sample
}

// maxGateHeld bounds what the gate holds should the video stop right after
// its first IDR: then it opens, and the muxer drops audio as it would.
const maxGateHeld = 256

// newStartGate returns the gate for a muxer of these tracks: open unless
// there is a video track to lead.
func newStartGate(tracks []*ingest.Track) *startGate {
	g := &startGate{open: true}
	for _, t := range tracks {
		if t.IsVideo() {
			g.open = false
		}
	}
	return g
}

// pass writes s now, holds it, or writes it followed by what was held.
func (g *startGate) pass(s ingest.Sample, write func(ingest.Sample)) {
	switch {
	case g.open:
		write(s)
	case s.Track.IsVideo():
		write(s)
		if g.idr {
			g.open = true
			for _, h := range g.held {
				write(h)
			}
			g.held = nil
		} else if h264.IsRandomAccess(s.Units) {
			g.idr = true
		}
	case g.idr && len(g.held) < maxGateHeld:
		g.held = append(g.held, s)
	case g.idr:
		g.open = true
		for _, h := range g.held {
			write(h)
		}
		g.held = nil
		write(s)
	default:
		// Before the first IDR: the muxer drops it, as it must.
		write(s)
	}
}
