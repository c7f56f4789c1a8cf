package vod

import (
	"strconv"
	"strings"
)

// rendition is one set of files over a Playlist's segments: fMP4 for
// today's players, MPEG-TS for old ones. Both share the segments'
// boundaries and timestamps; they differ in how a segment is written.
type rendition struct {
	ext, mime string // of the segment files
	version   int    // EXT-X-VERSION
	init      []byte // the initialization section (EXT-X-MAP), or nil for none
	build     func(n int) ([]byte, error)
	cache     segmentCache
}

// segmentName is the URI of segment n.
func (r *rendition) segmentName(n int) string { return "seg" + strconv.Itoa(n) + r.ext }

// segmentNumber parses a segment's name, accepting only the one spelling
// segmentName gives.
func (r *rendition) segmentNumber(name string) (int, bool) {
	digits, ok := strings.CutPrefix(name, "seg")
	if !ok {
		return 0, false
	}
	digits, ok = strings.CutSuffix(digits, r.ext)
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(digits)
	if err != nil || n < 0 || r.segmentName(n) != name {
		return 0, false
	}
	return n, true
}

// segment returns segment n, from the cache or built from the file.
func (r *rendition) segment(n int) ([]byte, error) {
	if data, ok := r.cache.get(n); ok {
		return data, nil
	}
	data, err := r.build(n)
	if err != nil {
		return nil, err
	}
	r.cache.put(n, data)
	return data, nil
}
