package segmenter

import (
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// measuredSegment is what a player downloads for one media sequence
// number: the segment of every rendition played together.
type measuredSegment struct {
	size     int // bytes, all renditions
	duration time.Duration
	ok       bool // false when a rendition lacks it (a gap): it breaks a run
}

// multivariant sets BANDWIDTH and AVERAGE-BANDWIDTH of the multivariant
// playlist from the segments its media playlists list now, the video and
// audio of each media sequence number counted together (RFC 8216bis
// 4.4.6.2, Apple HLS authoring 9.13, 1.28). Sizes come from the keeper,
// which copies each segment once. Without segments to measure, gohlslib's
// values stay.
func (p *playlistRewriter) multivariant(body []byte) []byte {
	var lists []*playlist.Media
	for _, name := range p.mediaPlaylists() {
		pl := p.mediaPlaylist(name)
		if pl == nil {
			return body
		}
		lists = append(lists, pl)
	}
	if len(lists) == 0 {
		return body
	}
	segs := p.measure(lists)
	peak, avg := bitrates(segs, time.Duration(lists[0].TargetDuration)*time.Second)
	if peak == 0 {
		return body
	}
	lines := strings.Split(string(body), "\n")
	for i, line := range lines {
		if list, ok := strings.CutPrefix(line, "#EXT-X-STREAM-INF:"); ok {
			list = setAttr(list, "BANDWIDTH", strconv.Itoa(peak))
			lines[i] = "#EXT-X-STREAM-INF:" + setAttr(list, "AVERAGE-BANDWIDTH", strconv.Itoa(avg))
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// measure lines up the segments of the lead playlist (the first) with
// those of the same media sequence number in the others.
func (p *playlistRewriter) measure(lists []*playlist.Media) []measuredSegment {
	lead := lists[0]
	segs := make([]measuredSegment, len(lead.Segments))
	for i, s := range lead.Segments {
		msn := lead.MediaSequence + i
		m := measuredSegment{duration: s.Duration, ok: true}
		for _, pl := range lists {
			j := msn - pl.MediaSequence
			if j < 0 || j >= len(pl.Segments) || pl.Segments[j].Gap {
				m.ok = false
				break
			}
			size, ok := p.keeper.size(uriName(pl.Segments[j].URI))
			if !ok {
				m.ok = false
				break
			}
			m.size += size
		}
		segs[i] = m
	}
	return segs
}

// bitrates returns the peak and the average bit rate of segs, rounded up.
// The peak is RFC 8216bis' peak segment bit rate, the highest of any run
// of consecutive segments lasting 0.5 to 1.5 target durations, and at
// least that of any one segment (gohlslib's measure).
func bitrates(segs []measuredSegment, target time.Duration) (peak, avg int) {
	var best, bits float64
	var total time.Duration
	for i, s := range segs {
		if !s.ok || s.duration <= 0 {
			continue
		}
		bits += float64(s.size * 8)
		total += s.duration
		var size int
		var dur time.Duration
		for j := i; j < len(segs) && segs[j].ok; j++ {
			size += segs[j].size
			dur += segs[j].duration
			if j > i && dur > target*3/2 {
				break
			}
			if j == i || dur >= target/2 {
				best = max(best, float64(size*8)/dur.Seconds())
			}
		}
	}
	if total <= 0 {
		return 0, 0
	}
	return int(math.Ceil(best)), int(math.Ceil(bits / total.Seconds()))
}
