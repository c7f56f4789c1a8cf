package srt

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/opus"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"

	"github.com/llcast/llcast/ingest"
)

// probeSpan bounds, in 90 kHz ticks, how much media a source reads while it
// waits for the first IDR picture with its SPS (where the picture size
// is), since MPEG-TS has no configuration record to say it up front.
const probeSpan = 5 * 90000

// earlyAudio is how long before the first picture, in 90 kHz ticks, sound
// may start; older sound is dropped.
const earlyAudio = 90000

// maxEarlyPES bounds the sound kept while waiting for the first picture:
// 5 s of AAC in one access unit per PES is 235.
const maxEarlyPES = 1000

// aacFrameSamples is the length of an AAC-LC access unit in samples.
const aacFrameSamples = 1024

// tsSource is the ingest.Source of one publisher's MPEG-TS. probe reads
// until the tracks are known, then Run delivers what probe kept and what
// follows. Its state is owned by the goroutine that calls probe, then Run.
type tsSource struct {
	// R is the MPEG-TS byte stream.
	R io.Reader
	// Stop makes a blocked read of R return; Run calls it when its context
	// ends. Optional.
	Stop func()
	// Log gets the publisher's decode errors.
	Log *slog.Logger

	reader       mpegts.Reader
	tracks       []*ingest.Track
	video        *ingest.Track
	tl           timeline
	params       ingest.H264Params
	lastDTS      map[*ingest.Track]int64
	lastNTP      map[*ingest.Track]time.Time
	early        []audioPES      // sound that came before the first picture
	pending      []ingest.Sample // what probe read, for Run to deliver first
	emit         ingest.Emit
	decodeErrors int
}

// probe reads the MPEG-TS tables and, for H.264, media up to the first IDR
// with SPS and PPS, which gives the picture size. It refuses a stream with
// a codec llcast cannot pass through (ingest.ErrUnsupportedCodec).
func (s *tsSource) probe() error {
	s.reader = mpegts.Reader{R: s.R}
	if err := s.reader.Initialize(); err != nil {
		return fmt.Errorf("reading MPEG-TS tables: %w", err)
	}
	s.reader.OnDecodeError(s.decodeError)
	s.lastDTS = make(map[*ingest.Track]int64)
	s.lastNTP = make(map[*ingest.Track]time.Time)
	s.emit = func(smp ingest.Sample) { s.pending = append(s.pending, smp) }

	var audio *ingest.Track
	for _, t := range s.reader.Tracks() {
		track, err := trackFor(t)
		switch {
		case err != nil:
			return err
		case track == nil:
			s.Log.Info("ignoring a track without picture or sound", "pid", t.PID)
		case track.IsVideo() && s.video == nil:
			s.video = track
			s.reader.OnDataH264(t, s.onH264(track))
		case !track.IsVideo() && audio == nil:
			audio = track
			s.onAudio(t, track)
		default:
			s.Log.Info("ignoring a second track of the same kind", "pid", t.PID, "codec", track.Codec)
		}
	}
	for _, t := range []*ingest.Track{s.video, audio} {
		if t != nil {
			s.tracks = append(s.tracks, t)
		}
	}
	if len(s.tracks) == 0 {
		return fmt.Errorf("%w: the stream has neither video nor audio: send H.264 with AAC or Opus",
			ingest.ErrUnsupportedCodec)
	}
	for !s.tl.started && s.video != nil {
		if err := s.reader.Read(); err != nil {
			return err
		}
	}
	return nil
}

// Tracks implements ingest.Source.
func (s *tsSource) Tracks() []*ingest.Track { return s.tracks }

// Run implements ingest.Source: it delivers the samples probe read, then
// the rest of the stream. A publisher that hangs up ends it with an error
// wrapping io.EOF.
func (s *tsSource) Run(ctx context.Context, emit ingest.Emit) error {
	if s.Stop != nil {
		defer context.AfterFunc(ctx, s.Stop)()
	}
	for _, smp := range s.pending {
		emit(smp)
	}
	s.pending = nil
	s.emit = emit
	for {
		err := s.reader.Read()
		switch {
		case err == nil:
			continue
		case ctx.Err() != nil:
			return nil
		case errors.Is(err, io.EOF):
			return fmt.Errorf("publisher hung up: %w", err)
		}
		return err
	}
}

func (s *tsSource) onH264(track *ingest.Track) mpegts.ReaderOnDataH264Func {
	return func(rawPTS, rawDTS int64, au [][]byte) error {
		dts := s.tl.unwrap(rawDTS)
		pts := dts + ptsDelta(rawPTS, rawDTS)
		au, picture := s.params.AccessUnit(au)
		if !s.tl.started {
			// Nothing before the first IDR with its parameter sets can be
			// decoded.
			if !h264.IsRandomAccess(au) || !s.params.Ready() {
				return s.checkProbeSpan(dts)
			}
			var sps h264.SPS
			if err := sps.Unmarshal(s.params.SPS); err != nil {
				return fmt.Errorf("invalid H.264 SPS: %w", err)
			}
			track.Width, track.Height = sps.Width(), sps.Height()
			s.tl.start(dts, time.Now())
			for _, p := range s.early {
				s.putAudio(p)
			}
			s.early = nil
		}
		if !picture {
			return nil
		}
		s.put(track, s.tl.at(pts, track.ClockRate), s.tl.at(dts, track.ClockRate), au)
		return nil
	}
}

// audioPES is the sound of one PES packet: its access units (AAC) or
// packets (Opus), each a sample, at offsets in the track's clock from the
// PES's time.
type audioPES struct {
	track   *ingest.Track
	ticks   int64 // unwrapped PTS, 90 kHz
	units   [][]byte
	offsets []int64
}

func (s *tsSource) onAudio(t *mpegts.Track, track *ingest.Track) {
	switch track.Codec {
	case ingest.CodecAAC:
		s.reader.OnDataMPEG4Audio(t, func(rawPTS int64, aus [][]byte) error {
			offsets := make([]int64, len(aus))
			for i := range aus {
				offsets[i] = int64(i) * aacFrameSamples
			}
			return s.onAudioPES(audioPES{track, s.tl.unwrap(rawPTS), aus, offsets})
		})
	case ingest.CodecOpus:
		s.reader.OnDataOpus(t, func(rawPTS int64, packets [][]byte) error {
			offsets := make([]int64, len(packets))
			var d int64
			for i, pkt := range packets {
				offsets[i] = d
				d += opus.PacketDuration2(pkt) // in 1/48000 s, the track's clock
			}
			return s.onAudioPES(audioPES{track, s.tl.unwrap(rawPTS), packets, offsets})
		})
	}
}

// onAudioPES delivers sound, or keeps it until the first picture comes:
// the demuxer hands a video PES on only when the next one starts, so the
// sound sent just after the first picture arrives before it.
func (s *tsSource) onAudioPES(p audioPES) error {
	if !s.tl.started {
		if s.video != nil {
			if len(s.early) == maxEarlyPES {
				s.early = s.early[1:] // timestamps that never advance must not grow it
			}
			s.early = append(s.early, p)
			return s.checkProbeSpan(p.ticks)
		}
		s.tl.start(p.ticks, time.Now())
	}
	s.putAudio(p)
	return nil
}

// putAudio delivers the samples of p, except sound that would play more
// than earlyAudio before the first picture.
func (s *tsSource) putAudio(p audioPES) {
	if p.ticks-s.tl.base < -earlyAudio {
		return
	}
	pts := s.tl.at(p.ticks, p.track.ClockRate)
	for i, u := range p.units {
		t := pts + p.offsets[i]
		s.put(p.track, t, t, [][]byte{u})
	}
}

// put delivers one sample, unless its DTS does not advance.
func (s *tsSource) put(track *ingest.Track, pts, dts int64, units [][]byte) {
	if last, ok := s.lastDTS[track]; ok && dts <= last {
		s.decodeError(fmt.Errorf("%s sample at %d does not come after %d: dropped", track.Codec, dts, last))
		return
	}
	s.lastDTS[track] = dts
	// The anchor moving back (see wallClock) must not move a track's
	// wall clock back.
	ntp := s.tl.wallClock(dts, track.ClockRate, time.Now())
	if last := s.lastNTP[track]; ntp.Before(last) {
		ntp = last
	}
	s.lastNTP[track] = ntp
	s.emit(ingest.Sample{Track: track, PTS: pts, DTS: dts, NTP: ntp, Units: units})
}

// checkProbeSpan fails once the stream has gone on for probeSpan without
// a picture to start from.
func (s *tsSource) checkProbeSpan(ticks int64) error {
	if ticks > probeSpan {
		return fmt.Errorf("no H.264 IDR picture with SPS and PPS in the first %d s: set the encoder's keyframe interval to 2 s",
			probeSpan/90000)
	}
	return nil
}

// decodeError logs the publisher's undecodable data, ever more rarely
// (the 1st, 2nd, 4th, 8th … error) so that a broken encoder cannot flood
// the log.
func (s *tsSource) decodeError(err error) {
	s.decodeErrors++
	if s.decodeErrors&(s.decodeErrors-1) == 0 {
		s.Log.Warn("publisher sent undecodable data", "error", err, "errors", s.decodeErrors)
	}
}
