package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	mp4codecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	tscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"
)

// hlsTracks is what a rendition carries, read from its media rather than
// from what the playlists claim.
type hlsTracks struct {
	sps   []byte // SPS of the H.264 track, nil without video
	audio string // RFC 6381 name of the audio codec, "" without audio
	// videoID and timeScale locate the video track in fMP4 fragments.
	videoID   int
	timeScale uint32
	audioID   int
	audioRate uint32
}

// codecs lists the RFC 6381 names of the tracks.
func (t hlsTracks) codecs() []string {
	var c []string
	if t.sps != nil {
		c = append(c, avc1Name(t.sps))
	}
	if t.audio != "" {
		c = append(c, t.audio)
	}
	return c
}

// avc1Name is the CODECS entry of an H.264 stream: avc1.PPCCLL from
// profile_idc, the constraint flags and level_idc of its SPS.
func avc1Name(sps []byte) string {
	if len(sps) < 4 {
		return "avc1.?"
	}
	return fmt.Sprintf("avc1.%02x%02x%02x", sps[1], sps[2], sps[3])
}

// hlsChunk describes one media segment or partial segment.
type hlsChunk struct {
	size int
	// firstIDR: the chunk's first video access unit is an IDR; anyIDR: some is.
	firstIDR, anyIDR bool
	// sps is the in-band SPS of the first access unit, if it has one.
	sps []byte
	// duration of the media in it (video if there is video), zero if unknown.
	duration time.Duration
}

// probeInit reads the tracks of an fMP4 initialization section.
func probeInit(b []byte) (hlsTracks, error) {
	var init fmp4.Init
	if err := init.Unmarshal(bytes.NewReader(b)); err != nil {
		return hlsTracks{}, fmt.Errorf("init segment: %w", err)
	}
	var t hlsTracks
	for _, tr := range init.Tracks {
		switch c := tr.Codec.(type) {
		case *mp4codecs.H264:
			t.sps, t.videoID, t.timeScale = c.SPS, tr.ID, tr.TimeScale
		case *mp4codecs.MPEG4Audio:
			t.audio, t.audioID, t.audioRate = "mp4a.40."+strconv.Itoa(int(c.Config.Type)), tr.ID, tr.TimeScale
		case *mp4codecs.Opus:
			t.audio, t.audioID, t.audioRate = "opus", tr.ID, tr.TimeScale
		default:
			return t, fmt.Errorf("init segment: unexpected %T track", tr.Codec)
		}
	}
	return t, nil
}

// probeFMP4 describes an fMP4 segment or part of a rendition with tracks t.
func probeFMP4(b []byte, t hlsTracks) (hlsChunk, error) {
	c := hlsChunk{size: len(b)}
	var parts fmp4.Parts
	if err := parts.Unmarshal(b); err != nil {
		return c, fmt.Errorf("fMP4 fragment: %w", err)
	}
	id, rate := t.videoID, t.timeScale
	if t.sps == nil {
		id, rate = t.audioID, t.audioRate
	}
	var ticks uint64
	first := true
	for _, p := range parts {
		for _, pt := range p.Tracks {
			if pt.ID != id {
				continue
			}
			for _, s := range pt.Samples {
				ticks += uint64(s.Duration)
				if t.sps == nil {
					continue
				}
				var au h264.AVCC
				if err := au.Unmarshal(s.Payload); err != nil {
					return c, fmt.Errorf("video sample: %w", err)
				}
				idr := !s.IsNonSyncSample && h264.IsRandomAccess(au)
				c.anyIDR = c.anyIDR || idr
				if first {
					c.firstIDR, c.sps, first = idr, spsOf(au), false
				}
			}
		}
	}
	if rate > 0 {
		c.duration = time.Duration(ticks * uint64(time.Second) / uint64(rate))
	}
	return c, nil
}

// probeTS describes an MPEG-TS segment and the tracks it carries.
func probeTS(b []byte) (hlsTracks, hlsChunk, error) {
	c := hlsChunk{size: len(b)}
	var t hlsTracks
	r := &mpegts.Reader{R: bytes.NewReader(b)}
	if err := r.Initialize(); err != nil {
		return t, c, fmt.Errorf("MPEG-TS segment: %w", err)
	}
	var pts []int64
	for _, tr := range r.Tracks() {
		switch codec := tr.Codec.(type) {
		case *tscodecs.H264:
			r.OnDataH264(tr, func(p, _ int64, au [][]byte) error {
				idr := h264.IsRandomAccess(au)
				if len(pts) == 0 {
					c.firstIDR, c.sps = idr, spsOf(au)
					t.sps = c.sps
				}
				c.anyIDR = c.anyIDR || idr
				pts = append(pts, p)
				return nil
			})
		case *tscodecs.MPEG4Audio:
			t.audio = "mp4a.40." + strconv.Itoa(int(codec.Type))
		case *tscodecs.Opus:
			t.audio = "opus"
		}
	}
	for {
		err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return t, c, fmt.Errorf("MPEG-TS segment: %w", err)
		}
	}
	if n := len(pts); n >= 2 {
		// The span of the timestamps (in any order: B-frames) plus one
		// frame, at 90 kHz.
		span := slices.Max(pts) - slices.Min(pts)
		c.duration = time.Duration(span+span/int64(n-1)) * time.Second / 90000
	}
	return t, c, nil
}

// spsOf returns the SPS NAL unit of an access unit, or nil.
func spsOf(au [][]byte) []byte {
	for _, u := range au {
		if len(u) > 0 && h264.NALUType(u[0]&0x1f) == h264.NALUTypeSPS {
			return u
		}
	}
	return nil
}

// peakBitrate is RFC 8216bis' peak segment bit rate: the largest bit rate
// of any run of consecutive segments lasting between 0.5 and 1.5 target
// durations. A nil entry (a gap, or a segment not fetched) breaks a run.
func peakBitrate(chunks []*hlsChunk, durations []time.Duration, target time.Duration) float64 {
	var peak float64
	for i := range chunks {
		var size int
		var dur time.Duration
		for j := i; j < len(chunks) && chunks[j] != nil; j++ {
			size += chunks[j].size
			dur += durations[j]
			if dur > target*3/2 {
				break
			}
			if dur >= target/2 {
				peak = max(peak, float64(size*8)/dur.Seconds())
			}
		}
	}
	return peak
}
