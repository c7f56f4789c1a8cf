package hlsload

import (
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// mediaItem is a part or segment of a media playlist.
type mediaItem struct {
	uri    string
	isPart bool
	end    time.Time // when its media ends; zero when unknown
}

// items lists the parts and segments of pl, oldest first, with the time
// their media ends.
func items(pl *playlist.Media) []mediaItem {
	var out []mediaItem
	var next time.Time // start of the next segment
	for _, s := range pl.Segments {
		start := next
		if s.DateTime != nil {
			start = *s.DateTime
		}
		end := start
		for _, p := range s.Parts {
			end = addIfKnown(end, p.Duration)
			out = append(out, mediaItem{uri: p.URI, isPart: true, end: end})
		}
		next = addIfKnown(start, s.Duration)
		if !s.Gap {
			out = append(out, mediaItem{uri: s.URI, end: next})
		}
	}
	end := next
	for _, p := range pl.Parts {
		end = addIfKnown(end, p.Duration)
		out = append(out, mediaItem{uri: p.URI, isPart: true, end: end})
	}
	return out
}

// nextPart is the part a blocking reload of pl asks for: the one after
// the last listed.
func nextPart(pl *playlist.Media) (msn, part int) {
	return firstMSN(pl) + len(pl.Segments), len(pl.Parts)
}

// firstMSN is the media sequence number of the first segment pl lists;
// a delta update (EXT-X-SKIP) leaves out the ones before.
func firstMSN(pl *playlist.Media) int {
	if pl.Skip != nil {
		return pl.MediaSequence + pl.Skip.SkippedSegments
	}
	return pl.MediaSequence
}

func addIfKnown(t time.Time, d time.Duration) time.Time {
	if t.IsZero() {
		return t
	}
	return t.Add(d)
}
