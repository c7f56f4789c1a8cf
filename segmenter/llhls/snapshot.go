package llhls

import "sync"

// snapshot is a media playlist as published after one change: where it
// ends, its files by name, and what its text is rendered from. The text is
// rendered once, by the first request that wants it, and kept for every
// request until the next change: a stream nobody watches renders nothing.
// Immutable but for the rendering, which its sync.Onces guard.
type snapshot struct {
	// nextMSN is the segment being written; parts counts its parts.
	nextMSN, parts int
	nextPart       int // the number of the next part
	ready          bool
	files          map[string]*file
	// changed is closed when a snapshot with more media replaces this one.
	// Snapshots that differ only in their rendition reports share it.
	changed chan struct{}

	// What the text is rendered from: the playlist's fixed fields, and
	// slices the writer only ever appends to beyond their length.
	pl        *mediaPlaylist
	init      bool
	segments  []*segment
	partList  []*part
	target    int // EXT-X-TARGETDURATION, seconds
	discSeq   int // EXT-X-DISCONTINUITY-SEQUENCE
	reports   []report
	z         *gzipPool
	fullOnce  sync.Once
	deltaOnce sync.Once
	full      *rendered
	delta     *rendered // nil when there is nothing to skip
}

// has reports whether the snapshot holds part `part` of segment msn, or
// the whole segment when part < 0 (RFC 8216bis 6.2.5.2: a later one will
// do).
func (s *snapshot) has(msn, part int) bool {
	if msn < s.nextMSN {
		return true
	}
	return msn == s.nextMSN && part >= 0 && part < s.parts
}

// playlist returns the playlist, or with skip its delta update (the full
// playlist when there is nothing to skip). s is ready.
func (s *snapshot) playlist(skip bool) *rendered {
	for served := s.pl.served.Load(); served < int64(s.nextMSN); served = s.pl.served.Load() {
		if s.pl.served.CompareAndSwap(served, int64(s.nextMSN)) {
			break
		}
	}
	s.fullOnce.Do(func() { s.full = s.z.rendered(s.render(false)) })
	if skip {
		s.deltaOnce.Do(func() {
			if text := s.render(true); text != nil {
				s.delta = s.z.rendered(text)
			}
		})
		if s.delta != nil {
			return s.delta
		}
	}
	return s.full
}

// report is what an EXT-X-RENDITION-REPORT says of another playlist.
type report struct {
	uri       string
	msn, part int
}

// publish makes pl as it is now what requests see; grew says that pl has
// new media since the last publish, which wakes up the requests waiting
// for it (otherwise only the rendition reports changed). Only the writer
// goroutine calls it.
func (pl *mediaPlaylist) publish(target int, reports []report, grew bool, z *gzipPool) {
	old := pl.current.Load()
	s := &snapshot{
		nextMSN: pl.nextMSN, parts: len(pl.parts), nextPart: pl.nextPart, ready: pl.ready(),
		pl: pl, init: pl.init != nil, segments: pl.segments, partList: pl.parts,
		target: target, reports: reports, z: z, discSeq: pl.discSeq,
	}
	if old != nil && !grew {
		s.files, s.changed = old.files, old.changed
	} else {
		s.files, s.changed = pl.files(), make(chan struct{})
	}
	pl.current.Store(s)
	if old != nil && grew {
		close(old.changed)
	}
}

// files maps the names of the files pl serves now to them.
func (pl *mediaPlaylist) files() map[string]*file {
	files := make(map[string]*file, 2*len(pl.segments)+len(pl.gone)+len(pl.parts)+1)
	if pl.init != nil {
		files[initName(pl.prefix, pl.rendition)] = pl.init
	}
	for _, g := range pl.gone {
		files[g.seg.name] = g.seg.file
	}
	for _, seg := range pl.segments {
		files[seg.name] = seg.file
		for _, p := range seg.parts {
			files[p.name] = p.file
		}
	}
	for _, p := range pl.parts {
		files[p.name] = p.file
	}
	return files
}
