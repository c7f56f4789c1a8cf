package file

import (
	"errors"
	"fmt"
	"io"
	"os"
	"sort"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	tscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/llcast/llcast/ingest"
)

const (
	tsPacket = 188
	tsSync   = 0x47
	// tsReadAhead is more than the MPEG-TS reader buffers ahead of the
	// sample it hands over (one read of 7 packets, plus the packet being
	// assembled).
	tsReadAhead = 16 * tsPacket
	// tsMask keeps 33-bit MPEG-TS timestamps.
	tsMask = 1<<33 - 1
)

// tsKey identifies a sample in an MPEG-TS file: the decoding time of its
// PES packet (90 kHz, unwrapped) and its place among the PES's frames.
type tsKey struct {
	dts int64
	sub int
}

func (k tsKey) less(o tsKey) bool { return k.dts < o.dts || (k.dts == o.dts && k.sub < o.sub) }

// tsDemuxer reads an MPEG-TS file. MPEG-TS has no index: opening reads
// the whole file once and keeps, per sample, its key and a file offset at
// which reading can start and still get the whole sample.
type tsDemuxer struct {
	f      *os.File
	size   int64
	header int64           // bytes the reader needs to find its tracks
	tracks []*mpegts.Track // per chosen track
	keys   [][]tsKey
	starts [][]int64
	params []ingest.H264Params // the first SPS and PPS, per track
}

// countingReader counts the bytes read from a file.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// openTS reads an MPEG-TS file through and builds its index.
func openTS(path string, f *os.File, size int64) (*layout, demuxer, error) {
	cr := &countingReader{r: io.NewSectionReader(f, 0, size)}
	r := &mpegts.Reader{R: cr}
	if err := r.Initialize(); err != nil {
		return nil, nil, fmt.Errorf("%s: reading the MPEG-TS tracks: %w", path, err)
	}
	d := &tsDemuxer{f: f, size: size, header: min(size, (cr.n+tsPacket-1)/tsPacket*tsPacket)}
	tracks, err := d.choose(path, r.Tracks())
	if err != nil {
		return nil, nil, err
	}
	s := &tsScan{cr: cr, d: d}
	for i, t := range tracks {
		s.raw = append(s.raw, nil)
		s.lastPES = append(s.lastPES, 0)
		s.clock = append(s.clock, int64(t.ClockRate))
		d.keys = append(d.keys, nil)
		d.starts = append(d.starts, nil)
		d.params = append(d.params, ingest.H264Params{})
		s.listen(r, i)
	}
	for {
		err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, nil, fmt.Errorf("%s: reading the MPEG-TS: %w", path, err)
		}
	}
	return s.finish(path, tracks)
}

// choose picks the first H.264 and the first AAC track.
func (d *tsDemuxer) choose(path string, all []*mpegts.Track) ([]*ingest.Track, error) {
	var choice trackChoice[*mpegts.Track]
	for _, t := range all {
		switch c := t.Codec.(type) {
		case *tscodecs.H264:
			// Width and height come with the first SPS.
			choice.take(t, &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000})
		case *tscodecs.MPEG4Audio:
			if it, err := aacTrack(path, c.Config); err != nil {
				choice.refuse(false, err)
			} else {
				choice.take(t, it)
			}
		case *tscodecs.H265:
			choice.refuse(true, unsupported(path, "video", "H265"))
		case *tscodecs.MPEG4Video:
			choice.refuse(true, unsupported(path, "video", "MPEG-4 Visual"))
		case *tscodecs.MPEG1Video:
			choice.refuse(true, unsupported(path, "video", "MPEG-1/2 Video"))
		case *tscodecs.MPEG1Audio:
			choice.refuse(false, unsupported(path, "audio", "MPEG-1 Audio (MP2/MP3)"))
		case *tscodecs.MPEG4AudioLATM:
			choice.refuse(false, unsupported(path, "audio", "AAC in LATM"))
		case *tscodecs.Opus:
			choice.refuse(false, unsupported(path, "audio", "Opus in MPEG-TS"))
		case *tscodecs.AC3:
			choice.refuse(false, unsupported(path, "audio", "AC-3"))
		case *tscodecs.EAC3:
			choice.refuse(false, unsupported(path, "audio", "E-AC-3"))
		}
	}
	chosen, tracks, err := choice.result(path)
	d.tracks = chosen
	return tracks, err
}

// reader starts reading where every sample of s can be had whole: the
// reader first needs the file's start to find the tracks, then skips to
// the earliest start among the first samples of s.
func (d *tsDemuxer) reader(s Span) (payloadReader, error) {
	from := d.size
	for i := range d.tracks {
		if s.From[i] < s.To[i] {
			from = min(from, d.starts[i][s.From[i]])
		}
	}
	c := &tsCursor{d: d, span: s}
	if err := c.open(from); err != nil {
		return nil, err
	}
	return c, nil
}

func (d *tsDemuxer) close() {}

// lookup returns the index of the sample of track i with key k.
func (d *tsDemuxer) lookup(i int, k tsKey) (int, bool) {
	keys := d.keys[i]
	n := sort.Search(len(keys), func(j int) bool { return !keys[j].less(k) })
	return n, n < len(keys) && keys[n] == k
}
