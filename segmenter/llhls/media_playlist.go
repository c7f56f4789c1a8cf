package llhls

import (
	"sync/atomic"
	"time"
)

// mediaPlaylist is one media playlist and the files it lists: a track's
// parts and segments, or the muxed segments of the MPEG-TS rendition.
//
// The writer goroutine owns every field but current; it builds a new
// snapshot after each change and publishes it through current, which
// request handlers read without a lock.
type mediaPlaylist struct {
	// rendition names the playlist ({rendition}.m3u8) and its files.
	rendition string
	prefix    string
	ext       string // of segments: ".mp4" or ".ts"
	mime      string // Content-Type of segments and parts
	// partTarget is EXT-X-PART-INF's PART-TARGET; zero for a playlist
	// without parts.
	partTarget time.Duration
	// count is how many segments the playlist lists.
	count int

	init     *file      // the initialization section, nil for MPEG-TS
	segments []*segment // listed, oldest first
	gone     []goneSegment
	parts    []*part // of the segment being written
	nextMSN  int     // of the segment being written
	nextPart int     // the number of the next part (see partName)
	// disc says the segment being written follows a discontinuity;
	// discSeq counts the discontinuities that left the playlist
	// (EXT-X-DISCONTINUITY-SEQUENCE).
	disc    bool
	discSeq int

	current atomic.Pointer[snapshot]
	// served is one past the newest segment a playlist served has listed:
	// a segment below it may be known to a client. Requests raise it.
	served atomic.Int64
}

// goneSegment is a segment that left the playlist but is still served:
// RFC 8216 6.2.2 asks for its duration plus that of the longest playlist
// that listed it, since a client may have read that playlist just before.
type goneSegment struct {
	seg   *segment
	until time.Time
}

func (pl *mediaPlaylist) fileName() string { return pl.rendition + ".m3u8" }

// lowLatency reports whether the playlist lists parts.
func (pl *mediaPlaylist) lowLatency() bool { return pl.partTarget > 0 }

// nextPartName is the name of the part that comes next.
func (pl *mediaPlaylist) nextPartName() string {
	return partName(pl.prefix, pl.rendition, pl.nextPart)
}

func (pl *mediaPlaylist) addPart(p *part) {
	pl.parts = append(pl.parts, p)
	pl.nextPart++
}

// endSegment completes the segment being written, made of its parts
// (or of chunks without parts), and moves the window on at now.
func (pl *mediaPlaylist) endSegment(start time.Time, duration time.Duration, now time.Time, chunks ...[]byte) *segment {
	seg := &segment{
		msn: pl.nextMSN, name: segmentName(pl.prefix, pl.rendition, pl.nextMSN, pl.ext),
		start: start, duration: duration, parts: pl.parts, discontinuity: pl.disc,
	}
	pl.disc = false
	if chunks == nil {
		for _, p := range pl.parts {
			chunks = append(chunks, p.file.chunks...)
		}
	}
	seg.file = newFile(pl.mime, chunks...)
	pl.segments = append(pl.segments, seg)
	pl.parts = nil
	pl.nextMSN++

	// Expire first: what leaves now stays for its full time.
	n := 0
	for n < len(pl.gone) && now.After(pl.gone[n].until) {
		n++
	}
	copy(pl.gone, pl.gone[n:])
	clear(pl.gone[len(pl.gone)-n:])
	pl.gone = pl.gone[:len(pl.gone)-n]
	if extra := len(pl.segments) - pl.count; extra > 0 {
		var listed time.Duration
		for _, s := range pl.segments {
			listed += s.duration
		}
		served := pl.served.Load()
		for _, s := range pl.segments[:extra] {
			if s.discontinuity {
				pl.discSeq++
			}
			// No client can know of a segment no playlist served listed.
			if int64(s.msn) < served {
				pl.gone = append(pl.gone, goneSegment{seg: s, until: now.Add(s.duration + listed)})
			}
		}
		pl.segments = append([]*segment(nil), pl.segments[extra:]...)
	}
	return seg
}

// lastPart returns where the playlist ends: the media sequence number and
// index of its last part, for the rendition reports of the others.
func (pl *mediaPlaylist) lastPart() (msn, part int, ok bool) {
	if n := len(pl.parts); n > 0 {
		return pl.nextMSN, n - 1, true
	}
	if n := len(pl.segments); n > 0 && len(pl.segments[n-1].parts) > 0 {
		return pl.nextMSN - 1, len(pl.segments[n-1].parts) - 1, true
	}
	return 0, 0, false
}

// ready reports whether the playlist lists a segment: players need one to
// start, and the multivariant playlist needs one to measure.
func (pl *mediaPlaylist) ready() bool { return len(pl.segments) > 0 }
