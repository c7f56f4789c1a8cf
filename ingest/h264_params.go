package ingest

import "github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"

// H264Params keeps the SPS and PPS an H.264 stream announced last and puts
// them in front of every IDR access unit that lacks them, as Source
// promises: RTMP and MP4 carry them in a configuration record, and
// encoders may send them in-band only once or only when they change.
//
// Set SPS and PPS from the configuration record, if there is one; those
// that arrive in-band replace them. It is not safe for concurrent use.
type H264Params struct {
	SPS, PPS []byte
}

// AccessUnit returns au as a Source delivers it: without access unit
// delimiters or empty NAL units and, when au is an IDR that does not carry
// both parameter sets, with the kept SPS and PPS in front instead of the
// half it carries. In-band parameter sets stay where they are and are
// kept for the IDRs that follow. An IDR that comes before any SPS and PPS
// are known is returned without them (Ready says whether they are).
//
// picture is false when au holds no coded picture, only parameter sets or
// SEI (a new sequence header arrives over RTMP that way): a live source
// drops such a unit, whose parameter sets are kept all the same.
func (p *H264Params) AccessUnit(au [][]byte) (out [][]byte, picture bool) {
	out = make([][]byte, 0, len(au)+2)
	var idr, hasSPS, hasPPS bool
	for _, nalu := range au {
		if len(nalu) == 0 {
			continue
		}
		switch h264.NALUType(nalu[0] & 0x1f) {
		case h264.NALUTypeAccessUnitDelimiter:
			continue
		case h264.NALUTypeSPS:
			p.SPS, hasSPS = nalu, true
		case h264.NALUTypePPS:
			p.PPS, hasPPS = nalu, true
		case h264.NALUTypeIDR:
			picture, idr = true, true
		case h264.NALUTypeNonIDR, h264.NALUTypeDataPartitionA,
			h264.NALUTypeDataPartitionB, h264.NALUTypeDataPartitionC:
			picture = true
		}
		out = append(out, nalu)
	}
	if !idr || (hasSPS && hasPPS) || !p.Ready() {
		return out, picture
	}
	// Both known ones go first, in the order decoders expect, rather than
	// the half the picture carried.
	fixed := make([][]byte, 0, len(out)+2)
	fixed = append(fixed, p.SPS, p.PPS)
	for _, nalu := range out {
		if typ := h264.NALUType(nalu[0] & 0x1f); typ != h264.NALUTypeSPS && typ != h264.NALUTypePPS {
			fixed = append(fixed, nalu)
		}
	}
	return fixed, picture
}

// Ready reports whether both an SPS and a PPS are known.
func (p *H264Params) Ready() bool { return p.SPS != nil && p.PPS != nil }

// H264ParamSets returns the last SPS and the last PPS in an access unit,
// nil for one it does not carry.
func H264ParamSets(au [][]byte) (sps, pps []byte) {
	for _, nalu := range au {
		if len(nalu) == 0 {
			continue
		}
		switch h264.NALUType(nalu[0] & 0x1f) {
		case h264.NALUTypeSPS:
			sps = nalu
		case h264.NALUTypePPS:
			pps = nalu
		}
	}
	return sps, pps
}
