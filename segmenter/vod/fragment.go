package vod

import (
	"errors"
	"fmt"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4"
	"github.com/bluenviron/mediacommon/v2/pkg/formats/fmp4/seekablebuffer"

	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/file"
)

// initSection writes the initialization section of all tracks; track
// i+1 is f's track i. The H.264 parameter sets come from the first
// keyframe, since fMP4 keeps them out of the samples.
func initSection(f *file.File) ([]byte, error) {
	var init fmp4.Init
	for i, t := range f.Tracks() {
		var codec fmp4.Codec
		switch t.Codec {
		case ingest.CodecH264:
			sps, pps, err := params(f, i)
			if err != nil {
				return nil, err
			}
			codec = &fmp4.CodecH264{SPS: sps, PPS: pps}
		case ingest.CodecAAC:
			codec = &fmp4.CodecMPEG4Audio{Config: t.AACConfig}
		case ingest.CodecOpus:
			codec = &fmp4.CodecOpus{ChannelCount: t.Channels}
		default:
			return nil, fmt.Errorf("codec %s: %w", t.Codec, ingest.ErrUnsupportedCodec)
		}
		init.Tracks = append(init.Tracks, &fmp4.InitTrack{ID: i + 1, TimeScale: uint32(t.ClockRate), Codec: codec})
	}
	var buf seekablebuffer.Buffer
	if err := init.Marshal(&buf); err != nil {
		return nil, fmt.Errorf("writing the initialization section: %w", err)
	}
	return buf.Bytes(), nil
}

// params reads the SPS and PPS in front of video track i's first
// keyframe.
func params(f *file.File, track int) (sps, pps []byte, err error) {
	entries := f.Index(track)
	s := file.Span{From: make([]int, len(f.Tracks())), To: make([]int, len(f.Tracks()))}
	for n, e := range entries {
		if e.Key {
			s.From[track], s.To[track] = n, n+1
			break
		}
	}
	for sample, err := range f.Range(s) {
		if err != nil {
			return nil, nil, err
		}
		s, p := ingest.H264ParamSets(sample.Units)
		if s != nil {
			sps = s
		}
		if p != nil {
			pps = p
		}
	}
	if sps == nil || pps == nil {
		return nil, nil, errors.New("the first H.264 keyframe has no SPS and PPS")
	}
	return sps, pps, nil
}

// fragment writes segment n as one fMP4 fragment holding the samples of
// every track in its span.
func fragment(f *file.File, n int, seg segment) ([]byte, error) {
	parts := make([]*fmp4.PartTrack, len(f.Tracks()))
	for i := range parts {
		if seg.span.From[i] < seg.span.To[i] {
			parts[i] = &fmp4.PartTrack{ID: i + 1, BaseTime: uint64(f.Index(i)[seg.span.From[i]].DTS)}
		}
	}
	for s, err := range samples(f, seg.span) {
		if err != nil {
			return nil, err
		}
		sample, err := fmp4Sample(s.Sample, s.entry)
		if err != nil {
			return nil, fmt.Errorf("segment %d: %w", n, err)
		}
		parts[s.track].Samples = append(parts[s.track].Samples, sample)
	}
	p := fmp4.Part{SequenceNumber: uint32(n + 1)}
	for _, pt := range parts {
		if pt != nil {
			p.Tracks = append(p.Tracks, pt)
		}
	}
	var buf seekablebuffer.Buffer
	if err := p.Marshal(&buf); err != nil {
		return nil, fmt.Errorf("writing segment %d: %w", n, err)
	}
	return buf.Bytes(), nil
}

// fmp4Sample converts a sample; H.264 goes length-prefixed, without the
// parameter sets (they are in the initialization section) and access unit
// delimiters.
func fmp4Sample(s ingest.Sample, e file.Entry) (*fmp4.Sample, error) {
	if !s.Track.IsVideo() {
		return &fmp4.Sample{Duration: uint32(e.Duration), Payload: s.Units[0]}, nil
	}
	au := make([][]byte, 0, len(s.Units))
	for _, u := range s.Units {
		if len(u) == 0 {
			continue
		}
		switch h264.NALUType(u[0] & 0x1f) {
		case h264.NALUTypeSPS, h264.NALUTypePPS, h264.NALUTypeAccessUnitDelimiter:
		default:
			au = append(au, u)
		}
	}
	avcc, err := h264.AVCC(au).Marshal()
	if err != nil {
		return nil, err
	}
	return &fmp4.Sample{
		Duration:        uint32(e.Duration),
		PTSOffset:       int32(s.PTS - s.DTS),
		IsNonSyncSample: !e.Key,
		Payload:         avcc,
	}, nil
}
