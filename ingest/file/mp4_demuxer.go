package file

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/mp4/codecs"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/pmp4"

	"github.com/llcast/llcast/ingest"
)

// maxSeconds bounds a track's length; anything longer is a broken index.
const maxSeconds = 7 * 24 * 3600

// mp4Demuxer reads the payloads of a progressive MP4 through the index
// that pmp4 built: every payload is one seek and one read.
type mp4Demuxer struct {
	// mu serialises GetPayload, which seeks the shared file.
	mu      sync.Mutex
	samples [][]*pmp4.Sample    // per chosen track
	params  []ingest.H264Params // per track, from the avcC
	video   []bool
}

// openMP4 reads an MP4's index.
func openMP4(path string, r io.ReadSeeker, ra io.ReaderAt, size int64) (*layout, *mp4Demuxer, error) {
	shifts, err := editShifts(ra, size)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: reading the MP4 index: %w", path, err)
	}
	var p pmp4.Presentation
	if err := p.Unmarshal(r); err != nil {
		return nil, nil, fmt.Errorf("%s: reading the MP4 index: %w", path, err)
	}
	chosen, tracks, err := chooseMP4(path, p.Tracks)
	if err != nil {
		return nil, nil, err
	}

	d := &mp4Demuxer{}
	l := &layout{tracks: tracks}
	starts := make([]startTime, len(chosen))
	for i, t := range chosen {
		d.samples = append(d.samples, t.Samples)
		d.video = append(d.video, tracks[i].IsVideo())
		var params ingest.H264Params
		if c, ok := t.Codec.(*codecs.H264); ok {
			params = ingest.H264Params{SPS: c.SPS, PPS: c.PPS}
		}
		d.params = append(d.params, params)
		starts[i] = startTime{shifts[t.ID], int64(t.TimeScale)}
	}
	base := earliest(starts)
	for i, t := range chosen {
		entries, err := mp4Entries(t, shifts[t.ID], base, int64(tracks[i].ClockRate), size)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: track %d: %w", path, t.ID, err)
		}
		l.index = append(l.index, entries)
	}
	if err := d.checkEnd(); err != nil {
		return nil, nil, fmt.Errorf("%s: the file is truncated: %w", path, err)
	}
	return l, d, nil
}

// chooseMP4 picks the first H.264 and the first AAC or Opus track.
func chooseMP4(path string, all []*pmp4.Track) ([]*pmp4.Track, []*ingest.Track, error) {
	var choice trackChoice[*pmp4.Track]
	for _, t := range all {
		if len(t.Samples) == 0 || t.TimeScale == 0 {
			continue
		}
		switch c := t.Codec.(type) {
		case *codecs.H264:
			if choice.videoTrack != nil {
				continue
			}
			it, err := h264Track(c.SPS)
			if err == nil && len(c.PPS) == 0 {
				err = errors.New("no PPS")
			}
			if err != nil {
				return nil, nil, fmt.Errorf("%s: track %d: the H.264 configuration is invalid: %w", path, t.ID, err)
			}
			choice.take(t, it)
		case *codecs.MPEG4Audio:
			if it, err := aacTrack(path, c.Config); err != nil {
				choice.refuse(false, err)
			} else {
				choice.take(t, it)
			}
		case *codecs.Opus:
			choice.take(t, &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: c.ChannelCount})
		default:
			kind := "audio"
			if c.IsVideo() {
				kind = "video"
			}
			choice.refuse(c.IsVideo(), unsupported(path, kind, codecName(c)))
		}
	}
	return choice.result(path)
}

// codecName names an MP4 codec for an error message.
func codecName(c codecs.Codec) string {
	switch c.(type) {
	case *codecs.H265:
		return "H265"
	case *codecs.AV1:
		return "AV1"
	case *codecs.VP9:
		return "VP9"
	case *codecs.MPEG4Video:
		return "MPEG-4 Visual"
	case *codecs.MPEG1Video:
		return "MPEG-1/2 Video"
	case *codecs.MJPEG:
		return "MJPEG"
	case *codecs.MPEG1Audio:
		return "MPEG-1 Audio (MP3)"
	case *codecs.AC3:
		return "AC-3"
	case *codecs.EAC3:
		return "E-AC-3"
	case *codecs.LPCM:
		return "LPCM"
	case *codecs.FLAC:
		return "FLAC"
	}
	return fmt.Sprintf("%T", c)
}

// mp4Entries turns a track's sample table into entries in the track's
// clock rate, shifted by its edit list and by the file's base time.
func mp4Entries(t *pmp4.Track, shift int64, base startTime, clock, fileSize int64) ([]Entry, error) {
	scale := int64(t.TimeScale)
	offset := rescale(base.t, base.scale, clock)
	at := func(raw int64) int64 { return rescale(raw+shift, scale, clock) - offset }
	entries := make([]Entry, len(t.Samples))
	raw := int64(0)
	for i, s := range t.Samples {
		if int64(s.PayloadSize) > fileSize {
			return nil, fmt.Errorf("sample %d is larger than the file", i)
		}
		entries[i] = Entry{
			DTS:  at(raw),
			PTS:  at(raw + int64(s.PTSOffset)),
			Size: int(s.PayloadSize),
			Key:  !s.IsNonSyncSample,
		}
		raw += int64(s.Duration)
		if raw/scale > maxSeconds {
			return nil, fmt.Errorf("the track is longer than %d seconds", maxSeconds)
		}
		entries[i].Duration = at(raw) - entries[i].DTS
		if entries[i].Duration <= 0 && i < len(t.Samples)-1 {
			return nil, fmt.Errorf("sample %d has no duration", i)
		}
	}
	return entries, nil
}

// checkEnd reads the last sample of every track, so that a file cut
// short fails when it is opened rather than when it is played.
func (d *mp4Demuxer) checkEnd() error {
	for _, s := range d.samples {
		if _, err := d.payload(s[len(s)-1]); err != nil {
			return err
		}
	}
	return nil
}

func (d *mp4Demuxer) payload(s *pmp4.Sample) ([]byte, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	return s.GetPayload()
}

// reader implements demuxer; MP4 reads any sample directly.
func (d *mp4Demuxer) reader(Span) (payloadReader, error) { return d, nil }

func (d *mp4Demuxer) units(track, n int) ([][]byte, error) {
	b, err := d.payload(d.samples[track][n])
	if err != nil {
		return nil, err
	}
	if !d.video[track] {
		return [][]byte{b}, nil
	}
	var au h264.AVCC
	if err := au.Unmarshal(b); err != nil {
		return nil, fmt.Errorf("sample %d: %w", n, err)
	}
	// Samples are read in any order: each starts from the avcC's
	// parameter sets, not from those an earlier sample carried.
	params := d.params[track]
	units, _ := params.AccessUnit(au)
	return units, nil
}

func (d *mp4Demuxer) close() {}
