package llhls

// snapshot is a media playlist as published after one change: where it
// ends, its files by name, and its text rendered once for every request
// until the next change. Immutable.
type snapshot struct {
	// nextMSN is the segment being written; parts counts its parts.
	nextMSN, parts int
	nextPart       int // the number of the next part
	ready          bool
	files          map[string]*file
	// full is the playlist; delta the delta update (_HLS_skip=YES), nil
	// when there is nothing to skip.
	full, delta *rendered
	// changed is closed when a snapshot with more media replaces this one.
	// Snapshots that differ only in their rendition reports share it.
	changed chan struct{}
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

// report is what an EXT-X-RENDITION-REPORT says of another playlist.
type report struct {
	uri       string
	msn, part int
}

// publish renders pl and makes it what requests see; grew says that pl
// has new media since the last publish, which wakes up the requests
// waiting for it. Only the writer goroutine calls it.
func (pl *mediaPlaylist) publish(target int, reports []report, grew bool, z *gzipper) {
	s := &snapshot{nextMSN: pl.nextMSN, parts: len(pl.parts), nextPart: pl.nextPart, ready: pl.ready()}
	s.files = make(map[string]*file, 2*len(pl.segments)+len(pl.gone)+len(pl.parts)+1)
	if pl.init != nil {
		s.files[initName(pl.prefix, pl.rendition)] = pl.init
	}
	for _, g := range pl.gone {
		s.files[g.seg.name] = g.seg.file
	}
	for _, seg := range pl.segments {
		s.files[seg.name] = seg.file
		for _, p := range seg.parts {
			s.files[p.name] = p.file
		}
	}
	for _, p := range pl.parts {
		s.files[p.name] = p.file
	}
	if s.ready {
		s.full = z.rendered(pl.render(target, reports, false))
		if text := pl.render(target, reports, true); text != nil {
			s.delta = z.rendered(text)
		}
	}
	old := pl.current.Load()
	if old != nil && !grew {
		s.changed = old.changed
	} else {
		s.changed = make(chan struct{})
	}
	pl.current.Store(s)
	if old != nil && grew {
		close(old.changed)
	}
}
