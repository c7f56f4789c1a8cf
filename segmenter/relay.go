package segmenter

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/llcast/llcast/ingest"
)

// relay keeps one stream name on the air for whatever publishes to it, one
// publisher at a time. A publisher that comes back within the hub's Linger
// continues the same Stream: its timestamps are moved on to follow the
// last publisher's, and the playlists mark the seam with
// EXT-X-DISCONTINUITY, so players ride over a reconnect without reloading.
// A publisher whose tracks or H.264 parameters differ starts the stream
// over instead, which players see as the stream going off and on again.
type relay struct {
	name string
	hub  *Hub
	log  *slog.Logger

	// mu guards everything below. feed holds it for each sample, which
	// is cheap next to encoding one.
	mu     sync.Mutex
	pub    *publisher // nil between publishers
	stream *Stream    // nil while off the air
	tracks []*ingest.Track
	params string // the SPS and PPS the stream's video began with
	last   map[*ingest.Track]int64
	step   map[*ingest.Track]int64 // the last sample's duration, estimated
	linger *time.Timer
	closed bool
}

// holdAway is how long players' requests for the next part are held while
// the publisher is away, instead of 503 after three target durations:
// under hls.js's 10 s to the first byte, so that a publisher back within
// a few seconds is picked up without an error.
const holdAway = 8 * time.Second

// publisher is one connected source.
type publisher struct {
	info   ingest.Publication
	cancel context.CancelFunc
	// to maps the publisher's tracks onto the stream's.
	to    map[*ingest.Track]*ingest.Track
	video bool
	// offset moves the publisher's times onto the stream's; until
	// started it is not known yet.
	offset  time.Duration
	started bool
	meter   publisherMeter
	warned  bool // about the keyframe interval
}

// publish runs src as the stream's source until it ends.
func (r *relay) publish(ctx context.Context, info ingest.Publication, src ingest.Source) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	p, err := r.attach(info, src.Tracks(), cancel)
	if err != nil {
		return err
	}
	defer r.detach(p)
	return src.Run(ctx, func(s ingest.Sample) { r.feed(p, s) })
}

// attach makes p the stream's publisher, continuing the stream when it
// can.
func (r *relay) attach(info ingest.Publication, tracks []*ingest.Track, cancel context.CancelFunc) (*publisher, error) {
	if err := checkTracks(tracks); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	switch {
	case r.closed:
		return nil, errors.New("the server is shutting down")
	case r.pub != nil:
		return nil, ingest.ErrStreamBusy
	}
	if r.linger != nil && r.linger.Stop() {
		r.hub.wg.Done()
	}
	r.linger = nil
	p := &publisher{info: info, cancel: cancel}
	for _, t := range tracks {
		p.video = p.video || t.IsVideo()
	}
	if r.stream != nil {
		if to := matchTracks(r.tracks, tracks); to != nil {
			p.to = to
			r.stream.SourceAway(0)
			r.stream.Discontinue()
			r.pub = p
			r.log.Info("publisher is back: the stream continues", "protocol", info.Protocol, "remote", info.Remote)
			return p, nil
		}
		r.log.Info("the new publisher's tracks differ: the stream starts over", "protocol", info.Protocol, "remote", info.Remote)
		r.offAir()
	}
	if err := r.onAir(tracks); err != nil {
		return nil, err
	}
	p.to, p.started = identity(tracks), true
	r.pub = p
	r.log.Info("publisher connected: the stream is live", "protocol", info.Protocol, "remote", info.Remote,
		"tracks", ingest.DescribeTracks(tracks))
	return p, nil
}

// detach ends p's turn; the stream waits Linger for a publisher.
func (r *relay) detach(p *publisher) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pub != p {
		return
	}
	r.pub = nil
	if r.stream == nil || r.closed {
		return
	}
	r.log.Info("publisher left: the stream waits for it", "for", r.hub.Linger)
	stream := r.stream
	stream.SourceAway(holdAway)
	r.hub.wg.Add(1)
	r.linger = time.AfterFunc(r.hub.Linger, func() {
		defer r.hub.wg.Done()
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.pub == nil && r.stream == stream {
			r.log.Info("no publisher came back: the stream is offline")
			r.offAir()
		}
	})
}

// onAir starts a Stream of tracks and publishes it. r.mu is held.
func (r *relay) onAir(tracks []*ingest.Track) error {
	set := r.hub.Settings
	set.Legacy = set.Legacy && legacyFits(tracks)
	s, err := set.start(r.name, tracks, r.hub.Logger)
	if err != nil {
		return err
	}
	if err := r.hub.Registry.Add(s); err != nil {
		s.Close()
		return err
	}
	r.stream, r.tracks, r.params = s, tracks, ""
	r.last = make(map[*ingest.Track]int64, len(tracks))
	r.step = make(map[*ingest.Track]int64, len(tracks))
	return nil
}

// offAir unpublishes and ends the stream. r.mu is held.
func (r *relay) offAir() {
	if r.stream == nil {
		return
	}
	r.hub.Registry.Remove(r.stream)
	r.stream.Close()
	r.stream = nil
}

// feed moves a sample of p onto the stream's tracks and times.
func (r *relay) feed(p *publisher, s ingest.Sample) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pub != p || r.stream == nil {
		return
	}
	idr := s.Track.IsVideo() && h264.IsRandomAccess(s.Units)
	p.meter.add(s, idr, time.Now())
	if idr {
		r.checkKeyframes(p)
	}
	if !p.started {
		if p.video && !idr {
			return // the seam is at the new publisher's first IDR
		}
		if idr && r.params != "" && paramSets(s.Units) != r.params {
			r.log.Info("the new publisher's H.264 parameters differ: the stream starts over")
			r.offAir()
			if err := r.onAir(r.tracksOf(p)); err != nil {
				r.log.Error("restarting the stream", "error", err)
				p.cancel()
				return
			}
			p.to = identity(r.tracks)
		} else {
			p.offset = r.end() - s.Track.Duration(s.DTS)
		}
		p.started = true
	}
	to := p.to[s.Track]
	if to == nil {
		return
	}
	shift := ticks(p.offset, to.ClockRate)
	s.Track, s.DTS, s.PTS = to, s.DTS+shift, s.PTS+shift
	if last, ok := r.last[to]; ok && s.DTS <= last {
		return // before the seam on this track
	}
	if idr && r.params == "" {
		r.params = paramSets(s.Units)
	}
	if last, ok := r.last[to]; ok {
		r.step[to] = s.DTS - last
	}
	r.last[to] = s.DTS
	if err := r.stream.Write(s); err != nil {
		if n := r.stream.Stats().Dropped; n == 1 || n%100 == 0 {
			r.log.Warn("dropping samples: the muxer cannot keep up", "dropped", n, "error", err)
		}
		return
	}
	p.meter.wrote(s)
}

// checkKeyframes warns, once per publisher, when its keyframes are further
// apart than a segment: segments then last as long as the interval.
func (r *relay) checkKeyframes(p *publisher) {
	target := r.hub.Settings.SegmentDuration
	if target == 0 {
		target = time.Second
	}
	if gap := p.meter.keyframeInterval(); !p.warned && gap > target+target/10 {
		p.warned = true
		r.log.Warn("the publisher's keyframe interval is longer than the segment target, which adds delay: "+
			"set the encoder's keyframe interval to 1 s (OBS: Settings → Output → Keyframe Interval)",
			"keyframe_interval", gap.Round(time.Millisecond), "segment_target", target)
	}
}

// end is where the stream's media ends, the latest of its tracks.
func (r *relay) end() time.Duration {
	var end time.Duration
	for t, last := range r.last {
		end = max(end, t.Duration(last+r.step[t]))
	}
	return end
}

// tracksOf returns p's own tracks, in the order of the stream's.
func (r *relay) tracksOf(p *publisher) []*ingest.Track {
	var out []*ingest.Track
	for _, want := range r.tracks {
		for from, to := range p.to {
			if to == want {
				out = append(out, from)
			}
		}
	}
	return out
}

// kick disconnects the publisher.
func (r *relay) kick() bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.pub == nil {
		return false
	}
	r.log.Info("publisher disconnected from the studio")
	r.pub.cancel()
	return true
}

// close disconnects the publisher and ends the stream.
func (r *relay) close() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.closed = true
	if r.pub != nil {
		r.pub.cancel()
	}
	if r.linger != nil && r.linger.Stop() {
		r.hub.wg.Done()
	}
	r.offAir()
}

// status describes the publisher and the stream.
func (r *relay) status() PublisherStatus {
	r.mu.Lock()
	defer r.mu.Unlock()
	st := PublisherStatus{Live: r.stream != nil}
	if r.stream != nil {
		st.Dropped = r.stream.Dropped()
	}
	if p := r.pub; p != nil {
		st.Connected, st.Protocol, st.Remote, st.Since = true, p.info.Protocol, p.info.Remote, p.info.Since
		c := p.meter.rates(time.Now())
		st.VideoBitrate, st.AudioBitrate = c.video*8, c.audio*8
		st.Bitrate, st.FPS, st.FPSOut = st.VideoBitrate+st.AudioBitrate, c.frames, c.framesOut
		st.KeyframeInterval = p.meter.keyframeInterval()
		if p.info.Stats != nil {
			st.Link = p.info.Stats()
		}
	}
	return st
}

// checkTracks refuses what no muxer can take.
func checkTracks(tracks []*ingest.Track) error {
	if len(tracks) == 0 {
		return errors.New("the publisher sends no tracks")
	}
	videos := 0
	for _, t := range tracks {
		switch t.Codec {
		case ingest.CodecH264:
			videos++
		case ingest.CodecAAC, ingest.CodecOpus:
		default:
			return fmt.Errorf("%w: %s", ingest.ErrUnsupportedCodec, t.Codec)
		}
	}
	if videos > 1 {
		return errors.New("the publisher sends two video tracks: send one")
	}
	return nil
}

// matchTracks maps tracks onto the stream's, in order, when each matches
// in codec and clock; nil when they do not.
func matchTracks(stream, tracks []*ingest.Track) map[*ingest.Track]*ingest.Track {
	if len(stream) != len(tracks) {
		return nil
	}
	to := make(map[*ingest.Track]*ingest.Track, len(tracks))
	for i, t := range tracks {
		s := stream[i]
		if t.Codec != s.Codec || t.ClockRate != s.ClockRate || t.Channels != s.Channels ||
			t.Width != s.Width || t.Height != s.Height ||
			(t.Codec == ingest.CodecAAC && t.AACConfig != s.AACConfig) {
			return nil
		}
		to[t] = s
	}
	return to
}

func identity(tracks []*ingest.Track) map[*ingest.Track]*ingest.Track {
	to := make(map[*ingest.Track]*ingest.Track, len(tracks))
	for _, t := range tracks {
		to[t] = t
	}
	return to
}

// legacyFits reports whether the MPEG-TS rendition can carry the tracks:
// it needs H.264 video.
func legacyFits(tracks []*ingest.Track) bool {
	for _, t := range tracks {
		if t.IsVideo() {
			return true
		}
	}
	return false
}

// paramSets returns the SPS and PPS of an access unit, joined.
func paramSets(units [][]byte) string {
	sps, pps := ingest.H264ParamSets(units)
	return string(sps) + "\x00" + string(pps)
}

// ticks converts d to a clock of rate ticks per second.
func ticks(d time.Duration, rate int) int64 {
	r := int64(rate)
	return int64(d/time.Second)*r + int64(d%time.Second)*r/int64(time.Second)
}
