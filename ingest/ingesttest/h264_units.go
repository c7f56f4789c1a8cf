package ingesttest

import (
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// CheckH264Units checks the access unit of H.264 sample i against what
// ingest.Source promises: no empty NAL unit, no access unit delimiter,
// and an IDR with its SPS and PPS in front.
func CheckH264Units(t testing.TB, i int, units [][]byte) {
	t.Helper()
	types := make([]h264.NALUType, len(units))
	for n, u := range units {
		if len(u) == 0 {
			t.Fatalf("video sample %d has an empty NAL unit", i)
		}
		types[n] = h264.NALUType(u[0] & 0x1f)
		if types[n] == h264.NALUTypeAccessUnitDelimiter {
			t.Fatalf("video sample %d has an access unit delimiter", i)
		}
	}
	if h264.IsRandomAccess(units) &&
		(len(types) < 3 || types[0] != h264.NALUTypeSPS || types[1] != h264.NALUTypePPS) {
		t.Fatalf("IDR sample %d is %v, want SPS, PPS in front", i, types)
	}
}
