package rtmp

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync/atomic"
	"time"

	"github.com/bluenviron/gortmplib"
	"github.com/bluenviron/gortmplib/pkg/codecs"

	"github.com/llcast/llcast/ingest"
)

// source is one publisher's media as an ingest.Source. Run reads the
// connection on the caller's goroutine and may be called once.
type source struct {
	reader     *gortmplib.Reader
	conn       net.Conn // closed when Run's context ends, to stop the read
	rtmpTracks []*gortmplib.Track
	tracks     []*ingest.Track // tracks[i] describes rtmpTracks[i]
	timeout    time.Duration   // the reader's idle limit, for the error
	now        func() time.Time
	ran        atomic.Bool
}

// Tracks implements ingest.Source.
func (s *source) Tracks() []*ingest.Track { return s.tracks }

// Run implements ingest.Source.
func (s *source) Run(ctx context.Context, emit ingest.Emit) error {
	if s.ran.Swap(true) {
		return errors.New("rtmp source already ran")
	}
	stop := context.AfterFunc(ctx, func() { _ = s.conn.Close() })
	defer stop()

	clk := &clock{now: s.now}
	for i, rt := range s.rtmpTracks {
		s.listen(rt, s.tracks[i], clk.track(s.tracks[i].ClockRate), emit)
	}
	for {
		if err := s.reader.Read(); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return readError(err, s.timeout)
		}
	}
}

// listen has the reader hand t's media to emit.
func (s *source) listen(rt *gortmplib.Track, t *ingest.Track, tc *trackClock, emit ingest.Emit) {
	switch c := rt.Codec.(type) {
	case *codecs.H264:
		// A new sequence header arrives as an access unit without a
		// picture: its parameter sets are kept for the IDRs that follow.
		params := &ingest.H264Params{SPS: c.SPS, PPS: c.PPS}
		s.reader.OnDataH264(rt, func(pts, dts time.Duration, au [][]byte) {
			units, picture := params.AccessUnit(au)
			if !picture {
				return
			}
			p, d, ntp := tc.stamp(pts, dts)
			emit(ingest.Sample{Track: t, PTS: p, DTS: d, NTP: ntp, Units: units})
		})

	case *codecs.MPEG4Audio:
		s.reader.OnDataMPEG4Audio(rt, func(pts time.Duration, au []byte) {
			emitAudio(t, tc, emit, pts, au)
		})

	case *codecs.Opus:
		s.reader.OnDataOpus(rt, func(pts time.Duration, packet []byte) {
			emitAudio(t, tc, emit, pts, packet)
		})
	}
}

func emitAudio(t *ingest.Track, tc *trackClock, emit ingest.Emit, pts time.Duration, payload []byte) {
	if len(payload) == 0 {
		return
	}
	p, d, ntp := tc.stamp(pts, pts)
	emit(ingest.Sample{Track: t, PTS: p, DTS: d, NTP: ntp, Units: [][]byte{payload}})
}

// readError says why reading from a publisher stopped.
func readError(err error, timeout time.Duration) error {
	switch {
	case errors.Is(err, io.EOF):
		return fmt.Errorf("the publisher hung up: %w", err)
	case errors.Is(err, os.ErrDeadlineExceeded):
		return fmt.Errorf("the publisher sent nothing for %s: %w", timeout, err)
	}
	return fmt.Errorf("read from publisher: %w", readCodecError(err))
}
