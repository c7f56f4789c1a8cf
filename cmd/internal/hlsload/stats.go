package hlsload

import (
	"maps"
	"slices"
	"time"
)

// Stats is what a Follower did so far.
type Stats struct {
	// Parts and Segments are the media files it fetched in full, the init
	// files not counted.
	Parts, Segments int
	// Playlists are the playlists it read, multivariant and media,
	// blocking reloads included.
	Playlists int
	// Failures are the answers that failed (a status other than 200, or a
	// body cut short) while the follower was to keep going; a request that
	// got no answer at all returns its error without being counted.
	Failures int
	// StatusErrors counts the answers other than 200, by status.
	StatusErrors map[int]int
	// PartDelays are the delivery delays of the parts, in ms: when the
	// part had arrived minus when its media ended, where the playlist
	// says when that was.
	PartDelays []float64
}

// Stats returns a copy of what f did so far.
func (f *Follower) Stats() Stats {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := f.stats
	s.StatusErrors = maps.Clone(s.StatusErrors)
	s.PartDelays = slices.Clone(s.PartDelays)
	return s
}

// add counts it, which had arrived at at.
func (s *Stats) add(it mediaItem, at time.Time) {
	if !it.isPart {
		s.Segments++
		return
	}
	s.Parts++
	if !it.end.IsZero() {
		s.PartDelays = append(s.PartDelays, float64(at.Sub(it.end).Microseconds())/1000)
	}
}

// fail counts a failed request: status is the answer's, 0 when it was
// cut short; live says the follower was not being stopped.
func (s *Stats) fail(status int, live bool) {
	if status != 0 {
		if s.StatusErrors == nil {
			s.StatusErrors = map[int]int{}
		}
		s.StatusErrors[status]++
	}
	if live {
		s.Failures++
	}
}
