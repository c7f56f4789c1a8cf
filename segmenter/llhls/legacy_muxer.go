package llhls

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/codecparams"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	"github.com/llcast/llcast/ingest"
)

// legacyRendition names the one media playlist of a LegacyMuxer.
const legacyRendition = "stream"

// LegacyMuxer turns the samples of one source into classic HLS: MPEG-TS
// segments of all tracks muxed together, starting at IDRs, in one media
// playlist without parts, which is what old TVs and set-top boxes play.
// It serves its files with Handle, like Muxer.
type LegacyMuxer struct {
	// Tracks of the source. Opus cannot go in MPEG-TS: such tracks are
	// left out (see Carries). Required: one H.264 or AAC track at least.
	Tracks []*ingest.Track
	// SegmentDuration is the least a segment lasts. It defaults to 2s.
	SegmentDuration time.Duration
	// SegmentCount is how many segments the playlist lists. It defaults
	// to 7: old players start three from the end and need the rest to
	// ride out a stall.
	SegmentCount int
	// MaxWaiting caps the requests waiting at once; more get 429 with
	// Retry-After. It defaults to 1024.
	MaxWaiting int
	// MaxWaitingPerClient caps the requests of one client (see
	// WithClient) waiting at once, as Muxer's does. It defaults to 16.
	MaxWaitingPerClient int
	// Logger gets a warning about refused requests, at most every 10 s.
	// It defaults to slog.Default().
	Logger *slog.Logger
	// Now tells the time. It defaults to time.Now.
	Now func() time.Time

	server
	pl      *mediaPlaylist
	tracks  map[*ingest.Track]*mpegts.Track
	w       *mpegts.Writer
	out     bytes.Buffer // the segment being written
	video   *ingest.Track
	sps     []byte
	open    bool
	start   int64 // decode time of the segment's first sample, 90 kHz
	startAt time.Time
	target  int
}

// Carries reports whether MPEG-TS can carry t.
func (l *LegacyMuxer) Carries(t *ingest.Track) bool { return t.Codec != ingest.CodecOpus }

// Start fills in defaults and prepares the playlist.
func (l *LegacyMuxer) Start() error {
	if l.SegmentDuration == 0 {
		l.SegmentDuration = 2 * time.Second
	}
	if l.SegmentCount == 0 {
		l.SegmentCount = 7
	}
	if l.MaxWaiting == 0 {
		l.MaxWaiting = 1024
	}
	if l.MaxWaitingPerClient == 0 {
		l.MaxWaitingPerClient = 16
	}
	if l.Logger == nil {
		l.Logger = slog.Default()
	}
	if l.Now == nil {
		l.Now = time.Now
	}
	if l.SegmentDuration < 100*time.Millisecond || l.SegmentCount < 6 || l.MaxWaiting < 1 || l.MaxWaitingPerClient < 1 {
		return fmt.Errorf("legacy muxer: SegmentDuration %v, SegmentCount %d, MaxWaiting %d or MaxWaitingPerClient %d too small",
			l.SegmentDuration, l.SegmentCount, l.MaxWaiting, l.MaxWaitingPerClient)
	}
	l.tracks = map[*ingest.Track]*mpegts.Track{}
	var tracks []*mpegts.Track
	for _, t := range l.Tracks {
		var codec mpegts.Codec
		switch t.Codec {
		case ingest.CodecH264:
			if l.video != nil {
				return errors.New("legacy muxer: two video tracks")
			}
			codec, l.video = &mpegts.CodecH264{}, t
		case ingest.CodecAAC:
			codec = &mpegts.CodecMPEG4Audio{Config: t.AACConfig}
		default:
			continue
		}
		mt := &mpegts.Track{Codec: codec}
		l.tracks[t] = mt
		tracks = append(tracks, mt)
	}
	if len(tracks) == 0 {
		return errors.New("legacy muxer needs an H.264 or AAC track: Opus cannot go in MPEG-TS")
	}
	l.w = &mpegts.Writer{W: &l.out, Tracks: tracks}
	if err := l.w.Initialize(); err != nil {
		return fmt.Errorf("legacy muxer: %w", err)
	}
	l.server.init(l.MaxWaiting, l.MaxWaitingPerClient, nil, time.Now, l.Logger)
	l.pl = &mediaPlaylist{rendition: legacyRendition, prefix: l.prefix, ext: ".ts", mime: "video/mp2t", count: l.SegmentCount}
	l.byName[legacyRendition] = l.pl
	l.lead = l.pl
	l.target = int((l.SegmentDuration + time.Second - 1) / time.Second)
	l.setTarget(l.target)
	l.pl.publish(l.target, nil, false, &l.z)
	return nil
}

// WriteSample takes the next sample; samples of tracks MPEG-TS cannot
// carry are ignored. Not safe for concurrent use.
func (l *LegacyMuxer) WriteSample(s ingest.Sample) error {
	mt, ok := l.tracks[s.Track]
	if !ok || len(s.Units) == 0 {
		return nil
	}
	rate := int64(s.Track.ClockRate)
	dts := (s.DTS + originSeconds*rate) * 90000 / rate
	pts := (s.PTS + originSeconds*rate) * 90000 / rate
	if dts < 0 {
		return fmt.Errorf("%w: sample more than %d s before the stream's start", errDropped, originSeconds)
	}
	idr := s.Track.IsVideo() && h264.IsRandomAccess(s.Units)
	if idr && l.sps == nil {
		for _, u := range s.Units {
			if len(u) > 0 && h264.NALUType(u[0]&0x1f) == h264.NALUTypeSPS {
				l.sps = append([]byte(nil), u...)
			}
		}
	}
	// Segments begin at IDRs; without video, at any sample.
	cut := idr || l.video == nil
	switch {
	case !l.open && !cut:
		return nil
	case !l.open:
		l.open, l.start, l.startAt = true, dts, s.NTP
	case cut && dts-l.start >= ticks(l.SegmentDuration, 90000) && (l.video == nil || s.Track == l.video):
		l.endSegment(dts)
		l.start, l.startAt = dts, s.NTP
	}
	var err error
	if s.Track.IsVideo() {
		err = l.w.WriteH264(mt, pts, dts, s.Units)
	} else {
		err = l.w.WriteMPEG4Audio(mt, pts, s.Units)
	}
	if err != nil {
		return fmt.Errorf("%w: %w", errDropped, err)
	}
	return nil
}

// endSegment publishes what was written before end as a segment.
func (l *LegacyMuxer) endSegment(end int64) {
	d := duration(end-l.start, 90000)
	// The segment takes the buffer's bytes, and the next segment gets a
	// new buffer the size of this one and a tenth: no copy, and no
	// buffer of a segment's size kept for nothing in between.
	data := l.out.Bytes()
	l.out = bytes.Buffer{}
	l.out.Grow(len(data) + len(data)/10)
	l.pl.endSegment(l.startAt, d, l.Now(), data)
	if r := roundSeconds(d); r > l.target {
		l.target = r
		l.setTarget(r)
	}
	l.multivariant.Store(l.z.rendered(l.renderMultivariant()))
	l.pl.publish(l.target, nil, true, &l.z)
}

// renderMultivariant lists the one variant.
func (l *LegacyMuxer) renderMultivariant() []byte {
	segs := make([]measuredSegment, len(l.pl.segments))
	for i, s := range l.pl.segments {
		segs[i] = measuredSegment{size: s.file.size, duration: s.duration, ok: true}
	}
	peak, avg := bitrates(segs, time.Duration(l.target)*time.Second)
	v := &playlist.MultivariantVariant{Bandwidth: peak, AverageBandwidth: &avg, URI: l.pl.fileName() + uriEnd}
	for _, t := range l.Tracks {
		switch {
		case t.Codec == ingest.CodecH264 && l.sps != nil:
			v.Codecs = append(v.Codecs, codecparams.Marshal(&codecs.H264{SPS: l.sps}))
			var sps h264.SPS
			if sps.Unmarshal(l.sps) == nil {
				v.Resolution = strconv.Itoa(sps.Width()) + "x" + strconv.Itoa(sps.Height())
			}
			if t.FPS > 0 {
				fps := float64(t.FPS)
				v.FrameRate = &fps
			}
		case t.Codec == ingest.CodecAAC:
			v.Codecs = append(v.Codecs, audioCodec(t))
		}
	}
	mv := &playlist.Multivariant{Version: 3, IndependentSegments: l.video != nil, Variants: []*playlist.MultivariantVariant{v}}
	text, _ := mv.Marshal() // it has no error to return
	return text
}
