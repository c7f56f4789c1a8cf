package hlsload

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// readMedia reads what a Follower uses of a media playlist — the media
// sequence, skipped segments, server control, map, segments with their
// dates and parts, and the parts after them — into gohlslib's type,
// leaving the rest empty. A load of hundreds of followers on one core
// reads thousands of playlists a second: gohlslib's full parser was a
// sixth of that core.
func readMedia(body []byte) (*playlist.Media, error) {
	if !bytes.HasPrefix(body, []byte("#EXTM3U")) {
		return nil, errors.New("not a playlist: no #EXTM3U")
	}
	pl := &playlist.Media{}
	seg := &playlist.MediaSegment{}
	inf := false
	for len(body) > 0 {
		var line []byte
		line, body, _ = bytes.Cut(body, []byte("\n"))
		text := strings.TrimSpace(string(line))
		tag, value, _ := strings.Cut(text, ":")
		var err error
		switch {
		case text == "":
		case !strings.HasPrefix(text, "#"):
			if !inf {
				return nil, errors.New("a URI without #EXTINF")
			}
			seg.URI = text
			pl.Segments = append(pl.Segments, seg)
			seg, inf = &playlist.MediaSegment{}, false
		case tag == "#EXT-X-MEDIA-SEQUENCE":
			pl.MediaSequence, err = strconv.Atoi(value)
		case tag == "#EXT-X-SKIP":
			n, e := strconv.Atoi(attr(value, "SKIPPED-SEGMENTS"))
			pl.Skip, err = &playlist.MediaSkip{SkippedSegments: n}, e
		case tag == "#EXT-X-SERVER-CONTROL":
			pl.ServerControl = &playlist.MediaServerControl{CanBlockReload: attr(value, "CAN-BLOCK-RELOAD") == "YES"}
			if v := attr(value, "PART-HOLD-BACK"); v != "" {
				d, e := seconds(v)
				pl.ServerControl.PartHoldBack, err = &d, e
			}
			if v := attr(value, "CAN-SKIP-UNTIL"); v != "" {
				d, e := seconds(v)
				pl.ServerControl.CanSkipUntil, err = &d, errors.Join(err, e)
			}
		case tag == "#EXT-X-MAP":
			pl.Map = &playlist.MediaMap{URI: attr(value, "URI")}
		case tag == "#EXT-X-PROGRAM-DATE-TIME":
			t, e := time.Parse(time.RFC3339Nano, value)
			seg.DateTime, err = &t, e
		case tag == "#EXT-X-GAP":
			seg.Gap = true
		case tag == "#EXT-X-PART":
			d, e := seconds(attr(value, "DURATION"))
			seg.Parts, err = append(seg.Parts, &playlist.MediaPart{Duration: d, URI: attr(value, "URI")}), e
		case tag == "#EXTINF":
			d, _, _ := strings.Cut(value, ",")
			seg.Duration, err = seconds(d)
			inf = true
		}
		if err != nil {
			return nil, err
		}
	}
	pl.Parts = seg.Parts
	return pl, nil
}

// attr returns an attribute's value from an attribute list, unquoted;
// commas inside quotes do not split.
func attr(list, name string) string {
	quoted, start := false, 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) && list[i] == '"' {
			quoted = !quoted
			continue
		}
		if i == len(list) || (list[i] == ',' && !quoted) {
			if k, v, ok := strings.Cut(list[start:i], "="); ok && k == name {
				return strings.Trim(v, `"`)
			}
			start = i + 1
		}
	}
	return ""
}

func seconds(v string) (time.Duration, error) {
	f, err := strconv.ParseFloat(v, 64)
	return time.Duration(f * float64(time.Second)), err
}
