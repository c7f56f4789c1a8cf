package file

import (
	"errors"
	"fmt"
	"io"

	"github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts"
	tscodecs "github.com/bluenviron/mediacommon/v2/pkg/formats/mpegts/codecs"

	"github.com/llcast/llcast/ingest"
)

// errMissed: a sample was not where the index said reading could start.
var errMissed = errors.New("a sample was not found where the index placed it")

// tsCursor reads the samples of a span from an MPEG-TS file in file
// order, queueing those of one track until the merge asks for them.
type tsCursor struct {
	d      *tsDemuxer
	span   Span
	from   int64 // where reading started after the header
	r      *mpegts.Reader
	queues [][]tsSample
	params []ingest.H264Params // per track, for IDRs that lack them
	next   []int               // per track, the sample after the last one taken
}

type tsSample struct {
	n     int
	units [][]byte
}

// open starts reading at offset from (after the file's first packets,
// which the reader needs to find the tracks).
func (c *tsCursor) open(from int64) error {
	c.from = from
	if c.next == nil {
		c.next = append([]int(nil), c.span.From...)
	}
	var src io.Reader = io.NewSectionReader(c.d.f, 0, c.d.size)
	if from > c.d.header {
		src = io.MultiReader(io.NewSectionReader(c.d.f, 0, c.d.header), io.NewSectionReader(c.d.f, from, c.d.size-from))
	}
	c.r = &mpegts.Reader{R: src}
	if err := c.r.Initialize(); err != nil {
		return fmt.Errorf("reading the MPEG-TS tracks: %w", err)
	}
	c.queues = make([][]tsSample, len(c.d.tracks))
	c.params = make([]ingest.H264Params, len(c.d.tracks))
	copy(c.params, c.d.params)
	// One decoder for all tracks, fed in file order, as when the file was
	// opened: the prefix is the same, and the jump to from moves forward.
	var td mpegts.TimeDecoder
	byPID := map[uint16]int{}
	for i, t := range c.d.tracks {
		byPID[t.PID] = i
	}
	for _, t := range c.r.Tracks() {
		i, ok := byPID[t.PID]
		if !ok {
			continue
		}
		switch t.Codec.(type) {
		case *tscodecs.H264:
			c.r.OnDataH264(t, func(_, dts int64, au [][]byte) error {
				units, _ := c.params[i].AccessUnit(au)
				c.push(i, tsKey{dts: td.Decode(dts)}, units)
				return nil
			})
		case *tscodecs.MPEG4Audio:
			c.r.OnDataMPEG4Audio(t, func(pts int64, aus [][]byte) error {
				dts := td.Decode(pts)
				for n, au := range aus {
					c.push(i, tsKey{dts: dts, sub: n}, [][]byte{au})
				}
				return nil
			})
		}
	}
	return nil
}

// push queues a sample of the span; samples outside it are dropped.
func (c *tsCursor) push(i int, k tsKey, units [][]byte) {
	n, ok := c.d.lookup(i, k)
	if !ok || n < c.span.From[i] || n >= c.span.To[i] {
		return
	}
	if q := c.queues[i]; len(q) > 0 && q[len(q)-1].n >= n {
		return
	}
	c.queues[i] = append(c.queues[i], tsSample{n: n, units: units})
}

func (c *tsCursor) units(track, n int) ([][]byte, error) {
	for {
		q := c.queues[track]
		for len(q) > 0 && q[0].n < n {
			q = q[1:]
		}
		c.queues[track] = q
		if len(q) > 0 && q[0].n == n {
			c.queues[track] = q[1:]
			c.next[track] = n + 1
			return q[0].units, nil
		}
		var err error
		if len(q) > 0 {
			err = errMissed
		} else if err = c.r.Read(); errors.Is(err, io.EOF) {
			err = errMissed
		}
		switch {
		case err == nil:
		case errors.Is(err, errMissed) && c.from > c.d.header:
			// Read the whole file instead: slow, but right.
			c.span.From = append([]int(nil), c.next...)
			c.span.From[track] = n
			if err := c.open(0); err != nil {
				return nil, err
			}
		default:
			return nil, err
		}
	}
}

func (c *tsCursor) close() {}
