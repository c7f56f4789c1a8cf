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
	// Unanswered are the requests that got no answer at all (refused,
	// reset, timed out) while the follower was to keep going: under load
	// these, not statuses, are how a server fails.
	Unanswered int
	// Restarts are the times KeepRunning started again after Run returned
	// an error: the follower rejoined at the live edge, like a player
	// reloading, and whatever came meanwhile was never fetched.
	Restarts int
	// LastError is the error that ended Run last in KeepRunning, "" when
	// none did.
	LastError string
	// Skipped are the segments that left a media playlist before the
	// follower saw them listed whole: it fell out of the window and
	// missed their media (but for parts of the first, perhaps).
	Skipped int
	// LateParts are the parts that arrived more than the playlist's
	// PART-HOLD-BACK after their media ended: a player that plays
	// PART-HOLD-BACK behind the live edge, as hls.js does, would have
	// needed them before they came.
	LateParts int
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

// Since is what the follower did after before, an earlier Stats of the
// same follower: a bench discards its warm-up this way. LastError is kept
// only when a restart happened since.
func (s Stats) Since(before Stats) Stats {
	d := Stats{
		Parts:      s.Parts - before.Parts,
		Segments:   s.Segments - before.Segments,
		Playlists:  s.Playlists - before.Playlists,
		Failures:   s.Failures - before.Failures,
		Unanswered: s.Unanswered - before.Unanswered,
		Restarts:   s.Restarts - before.Restarts,
		Skipped:    s.Skipped - before.Skipped,
		LateParts:  s.LateParts - before.LateParts,
		// PartDelays only grows, so what came since is its tail.
		PartDelays: slices.Clone(s.PartDelays[min(len(before.PartDelays), len(s.PartDelays)):]),
	}
	for status, n := range s.StatusErrors {
		if n -= before.StatusErrors[status]; n > 0 {
			if d.StatusErrors == nil {
				d.StatusErrors = map[int]int{}
			}
			d.StatusErrors[status] = n
		}
	}
	if d.Restarts > 0 {
		d.LastError = s.LastError
	}
	return d
}

// add counts it, which had arrived at at; holdBack is the PART-HOLD-BACK
// of the playlist that listed it, 0 when it had none.
func (s *Stats) add(it mediaItem, at time.Time, holdBack time.Duration) {
	if !it.isPart {
		s.Segments++
		return
	}
	s.Parts++
	if !it.end.IsZero() {
		delay := at.Sub(it.end)
		s.PartDelays = append(s.PartDelays, float64(delay.Microseconds())/1000)
		if holdBack > 0 && delay > holdBack {
			s.LateParts++
		}
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
