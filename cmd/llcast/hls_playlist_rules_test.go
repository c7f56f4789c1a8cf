package main

import (
	"math"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// The rules in this file read the playlist text alone. The parser fills in
// defaults and drops what it does not know, so presence and order are
// checked on the raw text.

// hlsVersionRule is an EXT-X-VERSION floor of RFC 8216bis section 8.
type hlsVersionRule struct {
	version int
	what    string
	has     func(line string) bool // whether a line of the playlist needs it
}

func versionRules() []hlsVersionRule {
	return []hlsVersionRule{
		{2, "the IV attribute of EXT-X-KEY", func(l string) bool { return hlsIsTag(l, "#EXT-X-KEY:") && strings.Contains(l, "IV=") }},
		{3, "floating-point EXTINF durations", func(l string) bool {
			d, _, _ := strings.Cut(strings.TrimPrefix(l, "#EXTINF:"), ",")
			return hlsIsTag(l, "#EXTINF:") && strings.Contains(d, ".")
		}},
		{4, "EXT-X-BYTERANGE or EXT-X-I-FRAMES-ONLY", func(l string) bool {
			return hlsIsTag(l, "#EXT-X-BYTERANGE:") || hlsIsTag(l, "#EXT-X-I-FRAMES-ONLY")
		}},
		{5, "SAMPLE-AES or KEYFORMAT in EXT-X-KEY", func(l string) bool {
			return hlsIsTag(l, "#EXT-X-KEY:") && (strings.Contains(l, "SAMPLE-AES") || strings.Contains(l, "KEYFORMAT"))
		}},
		{6, "EXT-X-MAP", func(l string) bool { return hlsIsTag(l, "#EXT-X-MAP:") }},
		{7, "SERVICE values for INSTREAM-ID", func(l string) bool { return strings.Contains(l, `INSTREAM-ID="SERVICE`) }},
		{8, "EXT-X-DEFINE", func(l string) bool { return hlsIsTag(l, "#EXT-X-DEFINE:") }},
		{9, "EXT-X-SKIP", func(l string) bool { return hlsIsTag(l, "#EXT-X-SKIP:") }},
		{10, "RECENTLY-REMOVED-DATERANGES", func(l string) bool { return strings.Contains(l, "RECENTLY-REMOVED-DATERANGES=") }},
		{11, "QUERYPARAM in EXT-X-DEFINE", func(l string) bool { return hlsIsTag(l, "#EXT-X-DEFINE:") && strings.Contains(l, "QUERYPARAM=") }},
		{12, "REQ- attributes", func(l string) bool { return strings.Contains(l, ",REQ-") || strings.Contains(l, ":REQ-") }},
	}
}

func hlsIsTag(line, tag string) bool { return strings.HasPrefix(line, tag) }

func hlsLines(text string) []string {
	return strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
}

// checkVersion compares EXT-X-VERSION with the features the text uses.
func (c *hlsChecker) checkVersion(name, text string) {
	declared, count := 1, 0
	for _, l := range hlsLines(text) {
		if v, ok := strings.CutPrefix(l, "#EXT-X-VERSION:"); ok {
			declared, _ = strconv.Atoi(strings.TrimSpace(v))
			count++
		}
	}
	if count > 1 {
		c.r.must("version", "RFC 8216bis 4.3.1.2", "%s has %d EXT-X-VERSION tags, at most one is allowed", name, count)
	}
	for _, l := range hlsLines(text) {
		for _, rule := range versionRules() {
			if rule.version > declared && rule.has(l) {
				c.r.must("version", "RFC 8216bis 8", "%s uses %s, which needs EXT-X-VERSION %d or higher, but declares %d",
					name, rule.what, rule.version, declared)
			}
		}
	}
}

// tagAttrs returns the attribute lists of every tag line of text.
func tagAttrs(text, tag string) []map[string]string {
	var all []map[string]string
	for _, l := range hlsLines(text) {
		if list, ok := strings.CutPrefix(l, tag); ok {
			all = append(all, parseAttrs(list))
		}
	}
	return all
}

// parseAttrs splits NAME=VALUE,NAME="VALUE" pairs, quotes removed.
func parseAttrs(list string) map[string]string {
	attrs := map[string]string{}
	var quoted bool
	start := 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) && list[i] == '"' {
			quoted = !quoted
		}
		if i == len(list) || (list[i] == ',' && !quoted) {
			if k, v, ok := strings.Cut(list[start:i], "="); ok {
				attrs[strings.TrimSpace(k)] = strings.Trim(v, `"`)
			}
			start = i + 1
		}
	}
	return attrs
}

func hlsSeconds(v string) (time.Duration, bool) {
	f, err := strconv.ParseFloat(v, 64)
	return time.Duration(f * float64(time.Second)), err == nil
}

// checkMultivariant checks the multivariant playlist's own tags; what needs
// the media is in checkVariant.
func (c *hlsChecker) checkMultivariant(u *url.URL, text string, mv *playlist.Multivariant) {
	name := path.Base(u.Path)
	c.checkVersion(name, text)
	if !mv.IndependentSegments {
		c.r.should("independent-segments", "Apple HLS authoring 9.11",
			"%s has no EXT-X-INDEPENDENT-SEGMENTS though video segments start with an IDR", name)
	}
	if len(mv.Variants) < c.want.MinVariants {
		c.r.must("variants", "Apple HLS authoring 9.9", "%s lists %d variants, want at least %d",
			name, len(mv.Variants), c.want.MinVariants)
	}
	for i, attrs := range tagAttrs(text, "#EXT-X-STREAM-INF:") {
		for _, a := range []struct{ attr, ref string }{
			{"BANDWIDTH", "RFC 8216bis 4.4.6.2"},
			{"AVERAGE-BANDWIDTH", "Apple HLS authoring 9.14"},
			{"CODECS", "Apple HLS authoring 9.1"},
		} {
			if attrs[a.attr] == "" {
				c.r.must("stream-inf", a.ref, "EXT-X-STREAM-INF #%d has no %s", i+1, a.attr)
			}
		}
		if fr, ok := attrs["FRAME-RATE"]; ok {
			if _, frac, _ := strings.Cut(fr, "."); len(frac) > 3 {
				c.r.should("frame-rate", "RFC 8216bis 4.4.6.2", "FRAME-RATE=%s is not rounded to three decimal places", fr)
			}
		}
	}
	c.checkRenditionGroups(name, text, mv)
}

// checkRenditionGroups checks EXT-X-MEDIA and the groups variants name.
func (c *hlsChecker) checkRenditionGroups(name, text string, mv *playlist.Multivariant) {
	defaults := map[string]int{}
	for i, attrs := range tagAttrs(text, "#EXT-X-MEDIA:") {
		group := attrs["TYPE"] + " " + attrs["GROUP-ID"]
		if attrs["TYPE"] != "VIDEO" && attrs["LANGUAGE"] == "" {
			c.r.must("language", "Apple HLS authoring 8.10", "EXT-X-MEDIA #%d (%s) has no LANGUAGE", i+1, group)
		}
		if attrs["TYPE"] == "AUDIO" && attrs["CHANNELS"] == "" {
			c.r.should("channels", "RFC 8216bis 4.4.6.1", "EXT-X-MEDIA #%d (%s) has no CHANNELS", i+1, group)
		}
		if attrs["DEFAULT"] == "YES" {
			defaults[group]++
			if a, ok := attrs["AUTOSELECT"]; ok && a != "YES" {
				c.r.must("rendition-group", "RFC 8216bis 4.4.6.1", "EXT-X-MEDIA #%d is DEFAULT=YES but AUTOSELECT=%s", i+1, a)
			}
		}
	}
	for group, n := range defaults {
		if n > 1 {
			c.r.must("rendition-group", "RFC 8216bis 4.4.6.1.1", "group %s has %d DEFAULT=YES members", group, n)
		}
	}
	for i, v := range mv.Variants {
		if v.Audio == "" {
			continue
		}
		found := false
		for _, m := range mv.Renditions {
			found = found || (m.Type == playlist.MultivariantRenditionTypeAudio && m.GroupID == v.Audio)
		}
		if !found {
			c.r.must("audio-group", "RFC 8216bis 4.4.6.2", "%s: variant #%d names AUDIO=%q, but no EXT-X-MEDIA TYPE=AUDIO has that GROUP-ID",
				name, i+1, v.Audio)
		}
	}
}

// checkMediaText checks a media playlist's tags. independent says whether
// the multivariant playlist has EXT-X-INDEPENDENT-SEGMENTS.
func (c *hlsChecker) checkMediaText(rend *hlsRendition, independent bool) {
	name, pl, text := rend.name, rend.pl, rend.text
	c.checkVersion(name, text)
	if !strings.Contains(text, "\n#EXT-X-TARGETDURATION:") {
		c.r.must("target-duration", "RFC 8216bis 4.4.3.1", "%s has no EXT-X-TARGETDURATION", name)
	}
	target := time.Duration(pl.TargetDuration) * time.Second
	for i, s := range pl.Segments {
		if rounded := time.Duration(math.Round(s.Duration.Seconds())) * time.Second; rounded > target {
			c.r.must("target-duration", "RFC 8216bis 4.4.3.1", "%s: segment %d lasts %v, more than EXT-X-TARGETDURATION %d when rounded",
				name, pl.MediaSequence+i, s.Duration, pl.TargetDuration)
		}
	}
	if !pl.Endlist {
		if len(pl.Segments) < 6 {
			c.r.must("segment-count", "Apple HLS authoring 8.11", "%s lists %d segments, a live playlist needs at least 6",
				name, len(pl.Segments))
		}
		if !strings.Contains(text, "\n#EXT-X-PROGRAM-DATE-TIME:") {
			c.r.must("program-date-time", "Apple HLS authoring 8.4", "%s (live) has no EXT-X-PROGRAM-DATE-TIME", name)
		}
	}
	if rend.tracks.sps != nil && !independent && !pl.IndependentSegments {
		c.r.must("independent-segments", "Apple HLS authoring 9.12",
			"%s: neither it nor the multivariant playlist has EXT-X-INDEPENDENT-SEGMENTS", name)
	}
	c.checkTagOrder(name, text)
	if c.want.LowLatency {
		c.checkLowLatencyText(rend)
	}
}

// checkTagOrder: tags that apply to a parent segment must come before its
// first EXT-X-PART.
func (c *hlsChecker) checkTagOrder(name, text string) {
	partSeen := false
	for _, l := range hlsLines(text) {
		switch {
		case l != "" && !strings.HasPrefix(l, "#"): // a segment URI ends the block
			partSeen = false
		case hlsIsTag(l, "#EXT-X-PART:"):
			partSeen = true
		case partSeen && (hlsIsTag(l, "#EXT-X-PROGRAM-DATE-TIME:") || hlsIsTag(l, "#EXT-X-MAP:") ||
			hlsIsTag(l, "#EXT-X-KEY:") || hlsIsTag(l, "#EXT-X-DISCONTINUITY")):
			c.r.must("tag-order", "RFC 8216bis 4.4.4.9", "%s: %s comes after an EXT-X-PART of its segment", name, l)
		}
	}
}
