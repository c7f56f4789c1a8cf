package main

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// The rules in this file compare the playlists with the media they list.

func (c *hlsChecker) checkRenditions(mv *playlist.Multivariant, rends []*hlsRendition) {
	independent := mv != nil && mv.IndependentSegments
	c.frame = time.Second / 30
	for _, rend := range rends {
		if sps := rend.tracks.sps; sps != nil {
			if _, _, fps, err := spsInfo(sps); err == nil && fps > 0 {
				c.frame = time.Duration(float64(time.Second) / fps)
			}
		}
	}
	for _, rend := range rends {
		c.checkMediaText(rend, independent)
		c.checkMedia(rend)
	}
	c.checkAlignment(rends)
	if mv != nil {
		for i, v := range mv.Variants {
			c.checkVariant(i, v, mv, rends)
		}
	}
	for _, rend := range rends {
		if c.want.LowLatency {
			c.checkLowLatency(rend, mv, rends)
		}
		if !rend.pl.Endlist {
			c.checkRemovedSegment(rend)
		}
	}
}

// spsInfo decodes the picture size and frame rate of an SPS.
func spsInfo(b []byte) (w, h int, fps float64, err error) {
	var sps h264.SPS
	if err := sps.Unmarshal(b); err != nil {
		return 0, 0, 0, err
	}
	return sps.Width(), sps.Height(), sps.FPS(), nil
}

// checkMedia checks the segments of one rendition.
func (c *hlsChecker) checkMedia(rend *hlsRendition) {
	sps := rend.tracks.sps
	if sps != nil && len(sps) < 4 {
		c.r.must("media", "ITU-T H.264 7.3.2.1", "%s: the SPS is %d bytes long", rend.name, len(sps))
		sps = nil
	}
	if sps != nil {
		c.checkProfile(rend.name, sps)
		if _, _, _, err := spsInfo(sps); err != nil {
			c.r.must("media", "ITU-T H.264 7.3.2.1", "%s: SPS does not parse: %v", rend.name, err)
		}
	}
	for i, ch := range rend.chunks {
		if ch == nil {
			continue
		}
		msn := rend.pl.MediaSequence + i
		if sps != nil && !ch.firstIDR {
			c.r.must("segment-idr", "Apple HLS authoring 7.4", "%s: segment %d does not start with an IDR", rend.name, msn)
		}
		if len(ch.sps) >= 4 && sps != nil && !bytes.Equal(ch.sps[:4], sps[:4]) {
			c.r.must("codecs", "RFC 8216bis 4.4.6.2", "%s: segment %d carries an SPS for %s, the init segment one for %s",
				rend.name, msn, avc1Name(ch.sps), avc1Name(sps))
		}
	}
	c.checkExtinf(rend)
}

// checkExtinf compares EXTINF with the media: over any run of segments
// they may differ by one video frame at most.
func (c *hlsChecker) checkExtinf(rend *hlsRendition) {
	var worst time.Duration
	var from, to int
	for i := range rend.chunks {
		var d time.Duration
		for j := i; j < len(rend.chunks) && rend.chunks[j] != nil && rend.chunks[j].duration > 0; j++ {
			d += rend.pl.Segments[j].Duration - rend.chunks[j].duration
			if d.Abs() > worst.Abs() {
				worst, from, to = d, i, j
			}
		}
	}
	if worst.Abs() > c.frame {
		var listed, actual time.Duration
		for j := from; j <= to; j++ {
			listed += rend.pl.Segments[j].Duration
			actual += rend.chunks[j].duration
		}
		c.r.must("extinf", "Apple HLS authoring 8.1", "%s: segments %d to %d have EXTINF durations adding up to %v, "+
			"but their media lasts %v; more than one video frame (%v) apart",
			rend.name, rend.pl.MediaSequence+from, rend.pl.MediaSequence+to, listed, actual, c.frame.Round(time.Microsecond))
	}
}

// checkProfile holds the H.264 profile and level to what Apple devices and
// TVs decode.
func (c *hlsChecker) checkProfile(name string, sps []byte) {
	profile, level := sps[1], sps[3]
	if profile != 77 && profile != 100 {
		c.r.must("h264-profile", "issue 4: TVs need Main or High", "%s: H.264 profile_idc %d (%s), want Main (77) or High (100)",
			name, profile, avc1Name(sps))
	} else if profile != 100 {
		c.r.should("h264-profile", "Apple HLS authoring 1.4", "%s: H.264 Main profile, High is preferred", name)
	}
	switch {
	case level > 52:
		c.r.must("h264-level", "Apple HLS authoring 1.3b", "%s: H.264 level %d.%d is above 5.2", name, level/10, level%10)
	case level > 41:
		c.r.should("h264-level", "Apple HLS authoring 1.3a", "%s: H.264 level %d.%d is above 4.1", name, level/10, level%10)
	}
}

// checkAlignment compares the media playlists with one another.
func (c *hlsChecker) checkAlignment(rends []*hlsRendition) {
	if len(rends) < 2 {
		return
	}
	first := rends[0]
	for _, rend := range rends[1:] {
		if rend.pl.TargetDuration != first.pl.TargetDuration {
			c.r.must("target-duration", "Apple HLS authoring 8.2", "%s has EXT-X-TARGETDURATION %d, %s has %d",
				first.name, first.pl.TargetDuration, rend.name, rend.pl.TargetDuration)
		}
		var a, b time.Duration
		for i, s := range first.pl.Segments {
			msn := first.pl.MediaSequence + i
			if _, d, ok := rend.at(msn); ok && !s.Gap {
				a += s.Duration
				b += d
			}
		}
		if tol := c.frame; (a - b).Abs() > tol {
			c.r.must("durations", "Apple HLS authoring 8.3", "the segments %s and %s share last %v and %v, more than %v apart",
				first.name, rend.name, a, b, tol)
		}
	}
}

// checkVariant compares an EXT-X-STREAM-INF with the media of its
// renditions.
func (c *hlsChecker) checkVariant(i int, v *playlist.MultivariantVariant, mv *playlist.Multivariant, rends []*hlsRendition) {
	find := func(uri string) *hlsRendition {
		u := hlsResolve(c.base, uri).String()
		for _, rend := range rends {
			if rend.url.String() == u {
				return rend
			}
		}
		return nil
	}
	video := find(v.URI)
	var audio []*hlsRendition
	for _, m := range mv.Renditions {
		if m.URI != nil && m.Type == playlist.MultivariantRenditionTypeAudio && m.GroupID == v.Audio {
			if a := find(*m.URI); a != nil {
				audio = append(audio, a)
			}
		}
	}
	if video == nil {
		return
	}
	label := fmt.Sprintf("variant #%d (%s)", i+1, video.name)
	c.checkCodecs(label, v, append([]*hlsRendition{video}, audio...))
	if sps := video.tracks.sps; sps != nil {
		c.checkPicture(label, v, sps)
	}
	c.checkBandwidth(label, v, video, audio)
}

func (c *hlsChecker) checkCodecs(label string, v *playlist.MultivariantVariant, rends []*hlsRendition) {
	declared := make([]string, len(v.Codecs))
	for i, s := range v.Codecs {
		declared[i] = strings.ToLower(s)
	}
	var present []string
	for _, rend := range rends {
		present = append(present, rend.tracks.codecs()...)
	}
	for _, p := range present {
		if !slices.Contains(declared, p) {
			c.r.must("codecs", "RFC 8216bis 4.4.6.2", "%s: CODECS=%q lacks %s, which its segments carry",
				label, strings.Join(v.Codecs, ","), p)
		}
	}
	for _, d := range declared {
		if len(present) > 0 && !slices.Contains(present, d) {
			c.r.should("codecs", "RFC 8216bis 4.4.6.2", "%s: CODECS lists %s, which no segment carries", label, d)
		}
	}
}

func (c *hlsChecker) checkPicture(label string, v *playlist.MultivariantVariant, sps []byte) {
	w, h, fps, err := spsInfo(sps)
	if err != nil {
		return // reported by checkMedia
	}
	if res := fmt.Sprintf("%dx%d", w, h); v.Resolution == "" {
		c.r.must("resolution", "Apple HLS authoring 9.2", "%s has no RESOLUTION (the SPS says %s)", label, res)
	} else if v.Resolution != res {
		c.r.must("resolution", "RFC 8216bis 4.4.6.2", "%s: RESOLUTION=%s, the SPS says %s", label, v.Resolution, res)
	}
	if c.want.Width > 0 && (w != c.want.Width || h != c.want.Height) {
		c.r.must("resolution", "configuration", "%s: the picture is %dx%d, configured %dx%d", label, w, h, c.want.Width, c.want.Height)
	}
	if c.want.FPS > 0 && math.Abs(fps-c.want.FPS) > 0.0005 {
		c.r.must("frame-rate", "configuration", "%s: the SPS says %.3f fps, configured %.3f", label, fps, c.want.FPS)
	}
	switch {
	case v.FrameRate == nil:
		c.r.must("frame-rate", "Apple HLS authoring 9.15", "%s has no FRAME-RATE", label)
	case fps > 0 && math.Abs(*v.FrameRate-fps) > 0.0005:
		c.r.must("frame-rate", "RFC 8216bis 4.4.6.2", "%s: FRAME-RATE=%.3f, the SPS says %.3f", label, *v.FrameRate, fps)
	}
}

// checkBandwidth compares BANDWIDTH and AVERAGE-BANDWIDTH with the bit
// rate of the segments listed, video and audio played together.
func (c *hlsChecker) checkBandwidth(label string, v *playlist.MultivariantVariant, video *hlsRendition, audio []*hlsRendition) {
	n := len(video.pl.Segments)
	alone, sum := make([]*hlsChunk, n), make([]*hlsChunk, n)
	durs := make([]time.Duration, n)
	var bits float64
	var total time.Duration
	for i, s := range video.pl.Segments {
		durs[i] = s.Duration
		ch := video.chunks[i]
		if ch == nil {
			continue
		}
		alone[i] = ch
		combined := &hlsChunk{size: ch.size}
		for _, a := range audio {
			ach, _, _ := a.at(video.pl.MediaSequence + i)
			if ach == nil {
				combined = nil
				break
			}
			combined.size += ach.size
		}
		if sum[i] = combined; combined != nil {
			bits += float64(combined.size * 8)
			total += s.Duration
		}
	}
	target := time.Duration(video.pl.TargetDuration) * time.Second
	peak, videoPeak := peakBitrate(sum, durs, target), peakBitrate(alone, durs, target)
	if peak == 0 {
		c.r.must("bandwidth", "RFC 8216bis 4.4.6.2", "%s: no segments to measure the bit rate of", label)
		return
	}
	if float64(v.Bandwidth) < peak {
		c.r.must("bandwidth", "Apple HLS authoring 9.13", "%s: BANDWIDTH=%d is below the peak segment bit rate %.0f of the "+
			"renditions played together (video alone: %.0f)", label, v.Bandwidth, peak, videoPeak)
	}
	mean := bits / total.Seconds()
	switch avg := v.AverageBandwidth; {
	case avg == nil:
		// reported by checkMultivariant
	case mean > 1.1*float64(*avg):
		c.r.must("average-bandwidth", "Apple HLS authoring 1.28", "%s: AVERAGE-BANDWIDTH=%d, but the segments average %.0f bit/s",
			label, *avg, mean)
	case float64(*avg) > 1.5*mean:
		c.r.should("average-bandwidth", "RFC 8216bis 4.4.6.2", "%s: AVERAGE-BANDWIDTH=%d, but the segments average only %.0f bit/s",
			label, *avg, mean)
	case *avg > v.Bandwidth:
		c.r.should("average-bandwidth", "RFC 8216bis 4.4.6.2", "%s: AVERAGE-BANDWIDTH=%d exceeds BANDWIDTH=%d", label, *avg, v.Bandwidth)
	}
}
