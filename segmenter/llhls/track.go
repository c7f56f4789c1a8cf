package llhls

import (
	"errors"
	"fmt"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/llcast/llcast/ingest"
)

// errDropped is wrapped by the errors of samples a track cannot take.
var errDropped = errors.New("sample dropped")

// originSeconds is added to every decode time: fMP4 has no negative
// times, and an audio encoder's priming moves the first PTS below zero.
const originSeconds = 10

// track cuts the samples of one ingest track into fMP4 parts and segments
// of its media playlist. Only the writer goroutine uses it.
//
// A video track leads: its segments start at IDRs, once SegmentDuration
// has passed, and it tells the others where (cut). The other tracks
// follow: a segment ends at the frame nearest the leader's boundary, so
// that the segments of one media sequence number last the same in every
// playlist; no track ever waits for another. Without a leader a track
// cuts on its own.
type track struct {
	in      *ingest.Track
	id      int // fMP4 track ID
	pl      *mediaPlaylist
	leader  bool // cuts at IDRs
	follows bool // cuts where a leader did
	// cut, on a leader, is told where each of its segments begins.
	cut func(boundary)

	frame    int64 // a sample's nominal duration, in clock ticks
	fixed    bool  // every sample lasts frame (AAC, ConstantRate video): no need to wait for the next
	partMax  int64 // PART-TARGET, in ticks: no part is longer
	partFull int64 // a part is complete from this length on
	segMin   int64 // the least length of a segment cut here
	origin   int64
	// cutAt is the decode time of the IDR a leader announced as the start
	// of its next segment; announced says there is one.
	cutAt     int64
	announced bool
	// disc says the next segment begins another source's media: a
	// leader cuts at the next IDR however short its segment is.
	disc bool

	pending    *ingest.Sample // waits for the next sample to know its duration
	samples    []*fmp4.Sample // of the part being written
	partStart  int64          // decode time of its first sample
	partDur    int64
	partIndep  bool
	end        int64 // decode time at which the last sample placed ends
	open       bool  // a segment is being written
	segDur     int64 // of the segment being written, its samples added up
	segNTP     time.Time
	boundaries []boundary // the leader's, not reached yet
	reached    *boundary  // the one the segment being begun follows
	seq        uint32     // fMP4 fragment sequence number
	sps, pps   []byte
	buf        seekablebuffer.Buffer
}

// boundary is where the leader began segment msn: at on the media clock,
// ntp on the wall clock.
type boundary struct {
	at   time.Duration
	ntp  time.Time
	msn  int
	disc bool // a discontinuity begins there
}

// newTrack prepares the cutting of in into pl.
func newTrack(in *ingest.Track, id int, pl *mediaPlaylist, partDuration, segmentDuration time.Duration) (*track, error) {
	t := &track{in: in, id: id, pl: pl, leader: in.IsVideo()}
	rate := int64(in.ClockRate)
	if rate <= 0 {
		return nil, fmt.Errorf("%s track has clock rate %d", in.Codec, in.ClockRate)
	}
	t.origin = originSeconds * rate
	switch in.Codec {
	case ingest.CodecH264:
		fps := int64(in.FPS)
		if fps <= 0 {
			fps = 30
		}
		t.frame = rate / fps
		t.fixed = in.ConstantRate && in.FPS > 0
	case ingest.CodecAAC:
		t.frame, t.fixed = mpeg4audio.SamplesPerAccessUnit, true
		if in.AACConfig.FrameLengthFlag {
			t.frame = 960
		}
		if err := t.setInit(&fmp4.CodecMPEG4Audio{Config: in.AACConfig}); err != nil {
			return nil, err
		}
	case ingest.CodecOpus:
		t.frame = rate / 50 // 20 ms, what encoders send
		if err := t.setInit(&fmp4.CodecOpus{ChannelCount: in.Channels}); err != nil {
			return nil, err
		}
	default:
		return nil, fmt.Errorf("codec %q cannot go in LL-HLS", in.Codec)
	}
	// Parts hold a whole number of frames, about partDuration: the part
	// target is that length, plus an eighth of a frame for the jitter of
	// timestamps in milliseconds (RTMP), so that parts seldom need cutting
	// short.
	frames := max(1, (ticks(partDuration, rate)+t.frame/2)/t.frame)
	t.partFull = frames*t.frame - t.frame/2
	t.partMax = frames*t.frame + t.frame/8
	// PART-TARGET is written with five decimals; round up to that.
	target := ceilTo(duration(t.partMax, in.ClockRate), 10*time.Microsecond)
	pl.partTarget = target
	t.partMax = ticks(target, rate)
	t.segMin = ticks(segmentDuration, rate) - t.frame/2
	return t, nil
}

// write takes the next sample of the track, in decoding order.
func (t *track) write(s ingest.Sample, now time.Time) error {
	if len(s.Units) == 0 {
		return fmt.Errorf("%w: empty %s sample", errDropped, t.in.Codec)
	}
	if s.DTS+t.origin < 0 {
		return fmt.Errorf("%w: %s sample more than %d s before the stream's start", errDropped, t.in.Codec, originSeconds)
	}
	if t.fixed {
		t.announce(s)
		return t.place(s, t.frame, now)
	}
	prev := t.pending
	if prev != nil && s.DTS <= prev.DTS {
		return fmt.Errorf("%w: %s decode time %d does not follow %d", errDropped, t.in.Codec, s.DTS, prev.DTS)
	}
	t.pending = &s
	var err error
	if prev != nil {
		err = t.place(*prev, s.DTS-prev.DTS, now)
	}
	t.announce(s)
	return err
}

// announce tells the followers, as soon as s arrives rather than when it
// is placed a frame later, that a leader's IDR will begin a segment: all
// that decides it is known, and followers that keep up with the video
// must not have gone past the boundary by then.
func (t *track) announce(s ingest.Sample) {
	if !t.leader || !h264.IsRandomAccess(s.Units) || (t.open && t.segDur < t.segMin && !t.disc) {
		return
	}
	t.cutAt, t.announced = s.DTS, true
	if t.cut != nil {
		msn := t.pl.nextMSN
		if t.open {
			msn++
		}
		t.cut(boundary{at: duration(s.DTS, t.in.ClockRate), ntp: s.NTP, msn: msn, disc: t.disc})
	}
}

// isAnnounced reports whether s is the IDR a leader announced.
func (t *track) isAnnounced(s ingest.Sample) bool { return t.announced && s.DTS == t.cutAt }

// place adds s, which lasts d ticks, cutting before or after it.
func (t *track) place(s ingest.Sample, d int64, now time.Time) error {
	dts := s.DTS + t.origin
	idr := t.in.IsVideo() && h264.IsRandomAccess(s.Units)
	if !t.open && !t.begins(s, d, idr) {
		return nil // before the stream starts here: dropped, as it must be
	}
	fs, err := t.sample(s)
	if err != nil {
		return err
	}
	fs.Duration = uint32(d)
	switch {
	case !t.open:
		t.startSegment(s)
	case t.endsSegment(s, d, idr):
		if err := t.endPart(); err != nil {
			return err
		}
		t.pl.endSegment(t.segNTP, duration(t.segDur, t.in.ClockRate), now)
		t.startSegment(s)
	case len(t.samples) > 0 && t.partDur+d > t.partMax:
		if err := t.endPart(); err != nil {
			return err
		}
	}
	if len(t.samples) == 0 {
		// A part begins at its first sample's decode time, or where the
		// last one ended should that be later: samples of fixed length
		// whose timestamps jitter must not overlap.
		t.partStart, t.partDur, t.partIndep = max(dts, t.end), 0, idr || !t.in.IsVideo()
	}
	t.samples = append(t.samples, fs)
	t.partDur += d
	t.segDur += d
	t.end = t.partStart + t.partDur
	if t.partDur >= t.partFull {
		return t.endPart()
	}
	return nil
}

// begins reports whether the track's first segment starts with s.
func (t *track) begins(s ingest.Sample, d int64, idr bool) bool {
	switch {
	case t.leader:
		return idr && t.isAnnounced(s)
	case !t.follows:
		return true
	case len(t.boundaries) == 0:
		return false
	}
	b := t.boundaries[0]
	if !t.reaches(s, d, b.at) {
		return false
	}
	t.boundaries, t.reached = t.boundaries[1:], &b
	t.pl.nextMSN = b.msn
	return true
}

// endsSegment reports whether s begins a new segment.
func (t *track) endsSegment(s ingest.Sample, d int64, idr bool) bool {
	switch {
	case t.leader:
		return idr && t.isAnnounced(s)
	case !t.follows:
		return t.segDur >= t.segMin || t.disc
	case len(t.boundaries) > 0 && t.reaches(s, d, t.boundaries[0].at):
		b := t.boundaries[0]
		t.boundaries, t.reached = t.boundaries[1:], &b
		return true
	}
	return false
}

// reaches reports whether s, lasting d, is the frame nearest to at or
// later.
func (t *track) reaches(s ingest.Sample, d int64, at time.Duration) bool {
	return duration(s.DTS+d/2, t.in.ClockRate) >= at
}

// boundary tells a following track where the leader began a segment.
func (t *track) boundary(b boundary) { t.boundaries = append(t.boundaries, b) }

// startSegment begins a segment with s. Its PROGRAM-DATE-TIME is when s
// was captured, or for a follower the leader's at its boundary moved by
// the media time between the two: so the playlists agree on the time of
// the same media, whatever delays an encoder adds to its capture times.
func (t *track) startSegment(s ingest.Sample) {
	t.open, t.segDur, t.segNTP = true, 0, s.NTP
	at := duration(s.DTS, t.in.ClockRate)
	if b := t.reached; b != nil {
		t.segNTP, t.reached = b.ntp.Add(at-b.at), nil
		t.pl.disc = b.disc && len(t.pl.segments) > 0
	} else if !t.follows {
		t.pl.disc = t.disc && len(t.pl.segments) > 0
	}
	if !t.follows {
		t.disc = false
	}
}

// discontinue makes the next segment begin another source's media.
func (t *track) discontinue() {
	if !t.follows {
		t.disc = true
	}
}

// endPart writes the samples gathered into a part of the playlist.
func (t *track) endPart() error {
	if len(t.samples) == 0 {
		return nil
	}
	t.seq++
	p := fmp4.Part{
		SequenceNumber: t.seq,
		Tracks:         []*fmp4.PartTrack{{ID: t.id, BaseTime: uint64(t.partStart), Samples: t.samples}},
	}
	t.buf.Reset()
	if err := p.Marshal(&t.buf); err != nil {
		return fmt.Errorf("writing a %s part: %w", t.in.Codec, err)
	}
	f := newFile(t.pl.mime, append([]byte(nil), t.buf.Bytes()...))
	if !t.segNTP.IsZero() {
		// segDur holds the segment's samples up to this part's end.
		f.mediaEnd = t.segNTP.Add(duration(t.segDur, t.in.ClockRate))
	}
	t.pl.addPart(&part{
		name:        t.pl.nextPartName(),
		duration:    duration(t.partDur, t.in.ClockRate),
		independent: t.partIndep,
		file:        f,
	})
	t.samples = nil
	return nil
}
