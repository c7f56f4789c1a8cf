package segmenter

import (
	"fmt"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/llcast/llcast/ingest"
)

// run is the only goroutine that writes to the muxers: gohlslib's Write
// methods are not safe for concurrent use.
func (s *Stream) run() {
	defer close(s.done)
	s.err = s.runInner()
}

// runInner passes the queued samples through the order stage to the
// muxers, waking up for a sample that has been held long enough.
func (s *Stream) runInner() error {
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	defer timer.Stop()
	for {
		now := time.Now()
		for {
			sample, ok := s.order.next(now)
			if !ok {
				break
			}
			s.write(sample)
		}
		var wake <-chan time.Time
		if d, ok := s.order.wait(now); ok {
			timer.Reset(d)
			wake = timer.C
		}
		select {
		case <-s.ctx.Done():
			return nil
		case sample := <-s.queue:
			s.order.add(sample, time.Now())
		case <-wake:
		}
	}
}

// write hands a sample to the muxers.
func (s *Stream) write(sample ingest.Sample) {
	// Low latency first: the legacy rendition can wait.
	s.start.pass(sample, s.writeLowLatency)
	if s.legacy != nil {
		if err := s.legacy.write(sample); err != nil {
			s.rejected("legacy", sample, err)
		}
	}
}

func (s *Stream) writeLowLatency(sample ingest.Sample) {
	if err := writeSample(s.muxer, s.tracks[sample.Track], sample); err != nil {
		s.rejected("ll-hls", sample, err)
	} else {
		s.written.Add(1)
	}
}

func (s *Stream) rejected(rendition string, sample ingest.Sample, err error) {
	s.warnings.Add(1)
	s.Logger.Warn("sample rejected by muxer", "rendition", rendition, "codec", sample.Track.Codec, "error", err)
}

// writeSample writes a sample to m, whose track for it is mt.
func writeSample(m *gohlslib.Muxer, mt *gohlslib.Track, sample ingest.Sample) error {
	switch sample.Track.Codec {
	case ingest.CodecH264:
		return m.WriteH264(mt, sample.NTP, sample.PTS, sample.Units)
	case ingest.CodecAAC:
		return m.WriteMPEG4Audio(mt, sample.NTP, sample.PTS, sample.Units)
	case ingest.CodecOpus:
		return m.WriteOpus(mt, sample.NTP, sample.PTS, sample.Units)
	}
	return fmt.Errorf("codec %q is not supported", sample.Track.Codec)
}
