package rtmp

import "github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

// h264Params keeps the parameter sets a publisher announced last and puts
// them in front of every IDR access unit that lacks them: RTMP carries
// them in a sequence header, ingest wants them in the samples. It is used
// by the goroutine that reads the connection.
type h264Params struct {
	sps, pps []byte
}

// accessUnit returns au as ingest wants it, or false when au holds no
// picture (a new sequence header arrives as an AU of SPS and PPS only: its
// parameters are kept for the IDRs that follow). Access unit delimiters are
// dropped; in-band SPS and PPS replace the kept ones.
func (p *h264Params) accessUnit(au [][]byte) ([][]byte, bool) {
	out := make([][]byte, 0, len(au)+2)
	var picture, idr, hasSPS, hasPPS bool
	for _, nalu := range au {
		if len(nalu) == 0 {
			continue
		}
		switch h264.NALUType(nalu[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			continue
		case h264.NALUTypeSPS:
			p.sps, hasSPS = nalu, true
		case h264.NALUTypePPS:
			p.pps, hasPPS = nalu, true
		case h264.NALUTypeIDR:
			picture, idr = true, true
		case h264.NALUTypeNonIDR, h264.NALUTypeDataPartitionA,
			h264.NALUTypeDataPartitionB, h264.NALUTypeDataPartitionC:
			picture = true
		}
		out = append(out, nalu)
	}
	if !picture {
		return nil, false
	}
	if !idr || (hasSPS && hasPPS) || p.sps == nil || p.pps == nil {
		return out, true
	}
	fixed := make([][]byte, 0, len(out)+2)
	fixed = append(fixed, p.sps, p.pps)
	for _, nalu := range out {
		if typ := h264.NALUType(nalu[0] & 0x1f); typ != h264.NALUTypeSPS && typ != h264.NALUTypePPS {
			fixed = append(fixed, nalu)
		}
	}
	return fixed, true
}
