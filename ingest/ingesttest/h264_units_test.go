package ingesttest

import (
	"fmt"
	"runtime"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// fatalRecorder is a testing.TB whose Fatalf ends the calling goroutine
// and remembers the message.
type fatalRecorder struct {
	testing.TB
	msg string
}

func (f *fatalRecorder) Helper() {}

func (f *fatalRecorder) Fatalf(format string, args ...any) {
	f.msg = fmt.Sprintf(format, args...)
	runtime.Goexit()
}

func TestCheckH264Units(t *testing.T) {
	nal := func(typ h264.NALUType) []byte { return []byte{byte(typ), 1} }
	sps, pps, sei := nal(h264.NALUTypeSPS), nal(h264.NALUTypePPS), nal(h264.NALUTypeSEI)
	idr, slice, aud := nal(h264.NALUTypeIDR), nal(h264.NALUTypeNonIDR), nal(h264.NALUTypeAccessUnitDelimiter)
	for _, c := range []struct {
		name  string
		units [][]byte
		fails bool
	}{
		{"IDR with SPS and PPS in front", [][]byte{sps, pps, sei, idr}, false},
		{"other picture", [][]byte{slice}, false},
		{"IDR without them", [][]byte{sei, idr}, true},
		{"IDR with them behind an SEI", [][]byte{sei, sps, pps, idr}, true},
		{"delimiter", [][]byte{aud, slice}, true},
		{"empty NAL unit", [][]byte{slice, {}}, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fatalRecorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				CheckH264Units(f, 7, c.units)
			}()
			<-done
			if (f.msg != "") != c.fails {
				t.Errorf("CheckH264Units(%x) failed: %q, want failing %v", c.units, f.msg, c.fails)
			}
		})
	}
}
