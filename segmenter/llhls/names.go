package llhls

import (
	"strconv"
	"strings"
)

// File names. Every media file name starts with the muxer's random prefix,
// so that a name never stands for other bytes, not even after a restart:
// caches (nginx, a CDN, the browser) may keep them forever. Playlists have
// fixed names: index.m3u8 and {rendition}.m3u8.
//
//	{prefix}_{rendition}_init.mp4    initialization section
//	{prefix}_{rendition}_{msn}.{ext} segment
//	{prefix}_{rendition}_p{n}.mp4    part: n counts the playlist's parts
//
// Parts are numbered on their own, not by segment: the part a preload
// hint names must come whatever segment it turns out to belong to, and
// a video segment only ends when the IDR that begins the next arrives.

// fileKind tells a media file's role.
type fileKind int

const (
	fileInit fileKind = iota + 1
	fileSegment
	filePart
)

// mediaFile is what a media file name says.
type mediaFile struct {
	kind      fileKind
	rendition string
	// n is the media sequence number of a segment, the number of a part.
	n   int
	ext string
}

func initName(prefix, rendition string) string {
	return prefix + "_" + rendition + "_init.mp4"
}

func segmentName(prefix, rendition string, msn int, ext string) string {
	return prefix + "_" + rendition + "_" + strconv.Itoa(msn) + ext
}

func partName(prefix, rendition string, n int) string {
	return prefix + "_" + rendition + "_p" + strconv.Itoa(n) + ".mp4"
}

// parseMediaFile reads a name made by the functions above with prefix;
// false for anything else.
func parseMediaFile(prefix, name string) (mediaFile, bool) {
	rest, ok := strings.CutPrefix(name, prefix+"_")
	if !ok {
		return mediaFile{}, false
	}
	dot := strings.LastIndexByte(rest, '.')
	if dot < 0 {
		return mediaFile{}, false
	}
	rest, ext := rest[:dot], rest[dot:]
	if ext != ".mp4" && ext != ".ts" {
		return mediaFile{}, false
	}
	rendition, id, ok := strings.Cut(rest, "_")
	if !ok || !isRenditionName(rendition) {
		return mediaFile{}, false
	}
	f := mediaFile{rendition: rendition, kind: fileSegment, ext: ext}
	switch {
	case id == "init":
		return mediaFile{rendition: rendition, kind: fileInit, ext: ext}, ext == ".mp4"
	case strings.HasPrefix(id, "p"):
		f.kind, id = filePart, id[1:]
		if ext != ".mp4" {
			return mediaFile{}, false
		}
	}
	if f.n, ok = parseIndex(id); !ok {
		return mediaFile{}, false
	}
	return f, true
}

// parseIndex reads a sequence number or part index as written by
// strconv.Itoa: digits only, no sign, no leading zero, below 2^31.
func parseIndex(s string) (int, bool) {
	if s == "" || len(s) > 10 || (len(s) > 1 && s[0] == '0') {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.ParseInt(s, 10, 32)
	return int(n), err == nil
}

// isRenditionName reports whether s can name a rendition: 1 to 16 of
// a-z and 0-9, so that names split on "_" and need no escaping.
func isRenditionName(s string) bool {
	if s == "" || len(s) > 16 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if (s[i] < 'a' || s[i] > 'z') && (s[i] < '0' || s[i] > '9') {
			return false
		}
	}
	return true
}

// Kind tells what a name of a stream's folder is, whichever muxer made
// it: "playlist", "init", "segment" or "part"; "" for any other name.
// It is for counting requests (metrics), not for serving them.
func Kind(name string) string {
	if strings.HasSuffix(name, ".m3u8") {
		return "playlist"
	}
	prefix, _, _ := strings.Cut(name, "_")
	f, ok := parseMediaFile(prefix, name)
	switch {
	case !ok:
		return ""
	case f.kind == fileInit:
		return "init"
	case f.kind == filePart:
		return "part"
	}
	return "segment"
}
