package llhls

import (
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"
	"github.com/llcast/llcast/ingest"
)

// sample converts s to an fMP4 sample; for H.264 the parameter sets go
// to the initialization section instead.
func (t *track) sample(s ingest.Sample) (*fmp4.Sample, error) {
	if !t.in.IsVideo() {
		return &fmp4.Sample{Payload: s.Units[0]}, nil
	}
	au := make([][]byte, 0, len(s.Units))
	for _, u := range s.Units {
		if len(u) == 0 {
			continue
		}
		switch h264.NALUType(u[0] & 0x1f) {
		case h264.NALUTypeSPS:
			if err := t.params(u, t.pps); err != nil {
				return nil, err
			}
		case h264.NALUTypePPS:
			if err := t.params(t.sps, u); err != nil {
				return nil, err
			}
		case h264.NALUTypeAccessUnitDelimiter:
		default:
			au = append(au, u)
		}
	}
	if t.sps == nil || t.pps == nil {
		return nil, fmt.Errorf("%w: H.264 IDR without SPS and PPS", errDropped)
	}
	avcc, err := h264.AVCC(au).Marshal()
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errDropped, err)
	}
	return &fmp4.Sample{
		PTSOffset:       int32(s.PTS - s.DTS),
		IsNonSyncSample: !h264.IsRandomAccess(s.Units),
		Payload:         avcc,
	}, nil
}

// params takes the H.264 parameter sets, writing the initialization
// section the first time both are known. A change later on would need
// a new initialization section and a discontinuity, which llcast's
// encoders never cause; such samples are refused.
func (t *track) params(sps, pps []byte) error {
	switch {
	case sps == nil || pps == nil:
		t.sps, t.pps = sps, pps
		return nil
	case t.pl.init == nil:
		t.sps, t.pps = append([]byte(nil), sps...), append([]byte(nil), pps...)
		return t.setInit(&fmp4.CodecH264{SPS: t.sps, PPS: t.pps})
	case string(sps) != string(t.sps) || string(pps) != string(t.pps):
		return fmt.Errorf("%w: the H.264 parameters changed mid-stream", errDropped)
	}
	return nil
}

func (t *track) setInit(codec fmp4.Codec) error {
	init := fmp4.Init{Tracks: []*fmp4.InitTrack{{ID: t.id, TimeScale: uint32(t.in.ClockRate), Codec: codec}}}
	var buf seekablebuffer.Buffer
	if err := init.Marshal(&buf); err != nil {
		return fmt.Errorf("writing the %s initialization section: %w", t.in.Codec, err)
	}
	t.pl.init = newFile(t.pl.mime, buf.Bytes())
	return nil
}
