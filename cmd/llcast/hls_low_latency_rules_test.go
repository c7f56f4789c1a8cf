package main

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
)

// The rules in this file are those of Low-Latency HLS, and those a live
// server must keep over time.

// checkLowLatencyText checks the LL-HLS tags of a media playlist.
func (c *hlsChecker) checkLowLatencyText(rend *hlsRendition) {
	name, pl, text := rend.name, rend.pl, rend.text
	nParts := len(pl.Parts)
	for _, s := range pl.Segments {
		nParts += len(s.Parts)
	}
	if nParts == 0 {
		c.r.must("parts", "RFC 8216bis 4.4.4.9", "%s has no EXT-X-PART: it is not low-latency", name)
	}
	if pl.PartInf == nil {
		c.r.must("part-inf", "RFC 8216bis 4.4.3.7", "%s has no EXT-X-PART-INF", name)
		return
	}
	target := pl.PartInf.PartTarget
	c.checkServerControl(rend, target)
	for i, s := range pl.Segments {
		c.checkPartDurations(name, pl.MediaSequence+i, s.Parts, target)
	}
	c.checkPartDurations(name, pl.MediaSequence+len(pl.Segments), pl.Parts, target)

	hinted := false
	for _, attrs := range tagAttrs(text, "#EXT-X-PRELOAD-HINT:") {
		hinted = hinted || attrs["TYPE"] == "PART"
	}
	if !hinted && !pl.Endlist {
		c.r.must("preload-hint", "RFC 8216bis App. B.1", "%s has no EXT-X-PRELOAD-HINT:TYPE=PART", name)
	}
}

func (c *hlsChecker) checkServerControl(rend *hlsRendition, target time.Duration) {
	name, td := rend.name, time.Duration(rend.pl.TargetDuration)*time.Second
	all := tagAttrs(rend.text, "#EXT-X-SERVER-CONTROL:")
	if len(all) == 0 {
		c.r.must("server-control", "RFC 8216bis App. B.1", "%s has no EXT-X-SERVER-CONTROL", name)
		return
	}
	attrs := all[0]
	if attrs["CAN-BLOCK-RELOAD"] != "YES" {
		c.r.must("server-control", "RFC 8216bis App. B.1", "%s: EXT-X-SERVER-CONTROL lacks CAN-BLOCK-RELOAD=YES", name)
	}
	switch phb, ok := hlsSeconds(attrs["PART-HOLD-BACK"]); {
	case !ok:
		c.r.must("part-hold-back", "RFC 8216bis 4.4.3.8", "%s has EXT-X-PART-INF but no PART-HOLD-BACK", name)
	case phb < 2*target:
		c.r.must("part-hold-back", "RFC 8216bis 4.4.3.8", "%s: PART-HOLD-BACK %v is less than 2 × PART-TARGET %v", name, phb, target)
	case phb < 3*target:
		c.r.must("part-hold-back", "Apple HLS authoring 14.3 (RFC 8216bis 4.4.3.8: SHOULD)",
			"%s: PART-HOLD-BACK %v is less than 3 × PART-TARGET %v", name, phb, target)
	}
	if hb, ok := hlsSeconds(attrs["HOLD-BACK"]); ok && hb < 3*td {
		c.r.must("hold-back", "RFC 8216bis 4.4.3.8", "%s: HOLD-BACK %v is less than 3 × EXT-X-TARGETDURATION", name, hb)
	}
	if skip, ok := hlsSeconds(attrs["CAN-SKIP-UNTIL"]); ok && skip < 6*td {
		c.r.must("delta-update", "RFC 8216bis 4.4.3.8", "%s: CAN-SKIP-UNTIL %v is less than 6 × EXT-X-TARGETDURATION", name, skip)
	}
}

// checkPartDurations checks the parts of the segment with number msn.
func (c *hlsChecker) checkPartDurations(name string, msn int, parts []*playlist.MediaPart, target time.Duration) {
	for j, p := range parts {
		if p.Duration > target {
			c.r.must("part-duration", "RFC 8216bis 4.4.4.9", "%s: part %d.%d lasts %v, more than PART-TARGET %v",
				name, msn, j, p.Duration, target)
		}
		// The last part listed may be the last of its segment.
		last := j == len(parts)-1
		exempt := p.Independent || p.Gap || last || parts[j+1].Gap
		if !exempt && p.Duration*100 < target*85 {
			c.r.must("part-duration", "RFC 8216bis 4.4.4.9", "%s: part %d.%d lasts %v, less than 85 %% of PART-TARGET %v",
				name, msn, j, p.Duration, target)
		}
	}
}

// checkLowLatency checks what an LL-HLS server must do for a media
// playlist: report on the other renditions, mark independent parts, block
// reloads, serve hinted parts and delta updates.
func (c *hlsChecker) checkLowLatency(rend *hlsRendition, mv *playlist.Multivariant, rends []*hlsRendition) {
	if mv != nil {
		reported := map[string]bool{}
		for _, attrs := range tagAttrs(rend.text, "#EXT-X-RENDITION-REPORT:") {
			reported[hlsWithoutQuery(hlsResolve(rend.url, attrs["URI"]))] = true
		}
		for _, other := range rends {
			if other != rend && !reported[hlsWithoutQuery(other.url)] {
				c.r.must("rendition-report", "RFC 8216bis App. B.1 (Apple HLS authoring 14.1)",
					"%s has no EXT-X-RENDITION-REPORT for %s", rend.name, other.name)
			}
		}
	}
	if rend.tracks.sps != nil {
		c.checkIndependentParts(rend)
	}
	if rend.pl.ServerControl != nil && rend.pl.ServerControl.CanBlockReload {
		c.checkBlockingReload(rend)
	}
	if rend.pl.PreloadHint != nil {
		if _, _, err := c.get(hlsResolve(rend.url, rend.pl.PreloadHint.URI), false); err != nil {
			c.r.must("preload-hint", "RFC 8216bis 6.2.6", "%s: hinted part %s: %v", rend.name, rend.pl.PreloadHint.URI, err)
		}
	}
	if rend.pl.ServerControl != nil && rend.pl.ServerControl.CanSkipUntil != nil {
		u := hlsWithQuery(rend.url, "_HLS_skip", "YES")
		body, _, err := c.get(u, false)
		switch {
		case err != nil:
			c.r.must("delta-update", "RFC 8216bis 6.2.5.1", "%s: GET ?_HLS_skip=YES: %v", rend.name, err)
		case !strings.Contains(string(body), "\n#EXT-X-SKIP:"):
			c.texts[u.String()] = string(body)
			c.r.must("delta-update", "RFC 8216bis 6.2.5.1", "%s: ?_HLS_skip=YES did not return a delta update", rend.name)
		default:
			c.texts[u.String()] = string(body)
			c.checkVersion(rend.name+"?_HLS_skip=YES", string(body))
		}
	}
}

// checkIndependentParts fetches the parts listed: INDEPENDENT=YES is for
// the parts that hold an IDR.
func (c *hlsChecker) checkIndependentParts(rend *hlsRendition) {
	parts := slices.Clone(rend.pl.Parts)
	for _, s := range rend.pl.Segments {
		parts = append(parts, s.Parts...)
	}
	for _, p := range parts {
		ch := c.chunk(rend, p.URI)
		switch {
		case ch == nil:
		case ch.anyIDR && !p.Independent:
			c.r.should("independent-part", "RFC 8216bis 4.4.4.9", "%s: part %s holds an IDR but lacks INDEPENDENT=YES", rend.name, p.URI)
		case !ch.anyIDR && p.Independent:
			c.r.must("independent-part", "RFC 8216bis 4.4.4.9", "%s: part %s is INDEPENDENT=YES without an IDR", rend.name, p.URI)
		}
	}
}

// checkBlockingReload asks for the part after the last one listed.
func (c *hlsChecker) checkBlockingReload(rend *hlsRendition) {
	pl := rend.pl
	msn, part := pl.MediaSequence+len(pl.Segments), len(pl.Parts)
	u := hlsWithQuery(rend.url, "_HLS_msn", fmt.Sprint(msn), "_HLS_part", fmt.Sprint(part))
	start := time.Now()
	body, _, err := c.get(u, false)
	// What is three segments ahead is counted from the answer, fresh: the
	// playlist inspected may be seconds old by now.
	ahead := msn + 3
	if err != nil {
		c.r.must("blocking-reload", "RFC 8216bis 6.2.5.2", "%s: GET ?_HLS_msn=%d&_HLS_part=%d after %v: %v",
			rend.name, msn, part, time.Since(start).Round(time.Millisecond), err)
	} else if next, err := playlist.Unmarshal(body); err == nil {
		m, ok := next.(*playlist.Media)
		reached := ok && (m.MediaSequence+len(m.Segments) > msn || len(m.Parts) > part)
		if ok {
			ahead = m.MediaSequence + len(m.Segments) + 3
		}
		if !reached {
			c.texts[u.String()] = string(body)
			c.r.must("blocking-reload", "RFC 8216bis 6.2.5.2", "%s: ?_HLS_msn=%d&_HLS_part=%d returned a playlist without that part",
				rend.name, msn, part)
		}
	}
	if status := c.status(hlsWithQuery(rend.url, "_HLS_part", "0")); status != http.StatusBadRequest {
		c.r.must("blocking-reload", "RFC 8216bis 6.2.5.2", "%s: _HLS_part without _HLS_msn answered %d, want 400", rend.name, status)
	}
	if status := c.status(hlsWithQuery(rend.url, "_HLS_msn", fmt.Sprint(ahead))); status != http.StatusBadRequest {
		c.r.should("blocking-reload", "RFC 8216bis 6.2.5.2", "%s: _HLS_msn three segments ahead answered %d, want 400",
			rend.name, status)
	}
}

// checkRemovedSegment follows the playlist until its oldest segment leaves
// it, checking that new segments keep coming, and fetches that segment:
// clients that read the playlist just before must still get it.
func (c *hlsChecker) checkRemovedSegment(rend *hlsRendition) {
	pl := rend.pl
	i0 := 0
	for i0 < len(pl.Segments) && pl.Segments[i0].Gap {
		i0++
	}
	if i0 == len(pl.Segments) {
		return
	}
	msn, uri := pl.MediaSequence+i0, pl.Segments[i0].URI
	td := time.Duration(pl.TargetDuration) * time.Second
	// A playlist still filling its window removes nothing for a while.
	deadline := time.Now().Add(time.Duration(i0+2)*td + 3*time.Second)
	end, grown := pl.MediaSequence+len(pl.Segments), time.Now()
	for {
		time.Sleep(td / 4)
		_, next, ok := c.playlist(rend.url)
		m, isMedia := next.(*playlist.Media)
		if !ok || !isMedia {
			return
		}
		if m.MediaSequence > msn {
			break
		}
		if e := m.MediaSequence + len(m.Segments); e > end {
			end, grown = e, time.Now()
		} else if wait := time.Since(grown); wait > td*3/2+td/4+250*time.Millisecond {
			c.r.must("live", "RFC 8216bis 6.2.1", "%s: no new segment for %v; one must come within 1.5 × EXT-X-TARGETDURATION",
				rend.name, wait.Round(time.Millisecond))
			return
		}
		if time.Now().After(deadline) {
			return
		}
	}
	if _, _, err := c.get(hlsResolve(rend.url, uri), false); err != nil {
		c.r.must("removed-segment", "RFC 8216bis 6.2.2", "%s: segment %d (%s) vanished as it left the playlist: %v; it must stay "+
			"available for its duration plus the playlist's", rend.name, msn, uri, err)
	}
}

// status returns the status code of a GET of u (0 if it failed).
func (c *hlsChecker) status(u *url.URL) int {
	req, err := http.NewRequestWithContext(c.ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return 0
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0
	}
	resp.Body.Close()
	return resp.StatusCode
}

// hlsWithQuery returns u with the query parameters kv (name, value, …) set.
func hlsWithQuery(u *url.URL, kv ...string) *url.URL {
	q := u.Query()
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	out := *u
	out.RawQuery = q.Encode()
	return &out
}

func hlsWithoutQuery(u *url.URL) string {
	out := *u
	out.RawQuery = ""
	return out.String()
}
