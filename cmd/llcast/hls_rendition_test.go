package main

import (
	"net/url"
	"path"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// hlsRendition is one media playlist and what its media turned out to be.
type hlsRendition struct {
	url    *url.URL
	name   string // file name, for messages
	text   string
	pl     *playlist.Media
	ts     bool // MPEG-TS segments (no EXT-X-MAP)
	tracks hlsTracks
	// chunks holds one entry per segment of pl; nil for gaps and for
	// segments that could not be loaded (reported already).
	chunks []*hlsChunk
}

// rendition loads the initialization section and every segment of pl.
func (c *hlsChecker) rendition(u *url.URL, text string, pl *playlist.Media) *hlsRendition {
	rend := &hlsRendition{url: u, name: path.Base(u.Path), text: text, pl: pl, ts: pl.Map == nil}
	if pl.Map != nil {
		b, _, err := c.get(hlsResolve(u, pl.Map.URI), false)
		if err != nil {
			c.r.must("fetch", "RFC 8216bis 4.4.4.5", "%s: init segment %s: %v", rend.name, pl.Map.URI, err)
		} else if rend.tracks, err = probeInit(b); err != nil {
			c.r.must("media", "RFC 8216bis 3.1.2", "%s: %v", rend.name, err)
		}
	}
	rend.chunks = make([]*hlsChunk, len(pl.Segments))
	for i, s := range pl.Segments {
		if s.Gap {
			continue
		}
		rend.chunks[i] = c.chunk(rend, s.URI)
	}
	return rend
}

// chunk fetches and probes a segment or part; nil when that failed.
func (c *hlsChecker) chunk(rend *hlsRendition, uri string) *hlsChunk {
	b, _, err := c.get(hlsResolve(rend.url, uri), false)
	if err != nil {
		c.r.must("fetch", "RFC 8216bis 6.2.1", "%s: %s: %v", rend.name, uri, err)
		return nil
	}
	var ch hlsChunk
	if rend.ts {
		var tracks hlsTracks
		tracks, ch, err = probeTS(b)
		if rend.tracks.sps == nil && rend.tracks.audio == "" {
			rend.tracks = tracks
		}
	} else {
		ch, err = probeFMP4(b, rend.tracks)
	}
	if err != nil {
		c.r.must("media", "RFC 8216bis 3", "%s: %s: %v", rend.name, uri, err)
		return nil
	}
	return &ch
}

// at returns the chunk and EXTINF duration of the segment with media
// sequence number msn.
func (r *hlsRendition) at(msn int) (*hlsChunk, time.Duration, bool) {
	i := msn - r.pl.MediaSequence
	if i < 0 || i >= len(r.pl.Segments) {
		return nil, 0, false
	}
	return r.chunks[i], r.pl.Segments[i].Duration, true
}
