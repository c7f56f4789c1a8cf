package srt

import (
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// paramSets remembers a publisher's newest SPS and PPS and puts them in
// front of every IDR access unit, which is what the layers above expect
// (see ingest.Source): encoders that send them only once, or only when
// they change, still give a stream that can start at any IDR.
type paramSets struct {
	sps, pps []byte
}

// fix returns the access unit without access unit delimiters and, for an
// IDR, with the SPS and PPS in front; idr says whether it is one. An IDR
// before any SPS and PPS were seen keeps what it has, and ok is false.
func (p *paramSets) fix(au [][]byte) (out [][]byte, idr, ok bool) {
	out = make([][]byte, 0, len(au)+2)
	for _, nalu := range au {
		if len(nalu) == 0 {
			continue
		}
		switch h264.NALUType(nalu[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			continue
		case h264.NALUTypeSPS:
			p.sps = nalu
			continue
		case h264.NALUTypePPS:
			p.pps = nalu
			continue
		case h264.NALUTypeIDR:
			idr = true
		}
		out = append(out, nalu)
	}
	if !idr {
		// Parameter sets in a non-IDR unit were remembered; the decoder
		// gets them again in front of the next IDR.
		return out, false, true
	}
	if p.sps == nil || p.pps == nil {
		return out, true, false
	}
	return append([][]byte{p.sps, p.pps}, out...), true, true
}
