package rtmp

import (
	"fmt"
	"testing"
)

func TestH264ParamsAccessUnit(t *testing.T) {
	var (
		sps    = []byte{0x67, 1}
		pps    = []byte{0x68, 1}
		newSPS = []byte{0x67, 2}
		newPPS = []byte{0x68, 2}
		aud    = []byte{0x09, 0xf0}
		sei    = []byte{0x06, 5}
		idr    = []byte{0x65, 0x88}
		slice  = []byte{0x41, 0x9a}
	)
	type step struct {
		in   [][]byte
		want [][]byte // nil: nothing to emit
	}
	cases := []struct {
		name  string
		steps []step
	}{
		{"IDR gets the configured SPS and PPS", []step{
			{[][]byte{idr}, [][]byte{sps, pps, idr}},
		}},
		{"they go in front of an SEI", []step{
			{[][]byte{sei, idr}, [][]byte{sps, pps, sei, idr}},
		}},
		{"other pictures are left alone", []step{
			{[][]byte{slice}, [][]byte{slice}},
		}},
		{"AUDs are dropped", []step{
			{[][]byte{aud, slice}, [][]byte{slice}},
			{[][]byte{aud, idr}, [][]byte{sps, pps, idr}},
		}},
		{"in-band parameter sets stay and are kept", []step{
			{[][]byte{newSPS, newPPS, idr}, [][]byte{newSPS, newPPS, idr}},
			{[][]byte{idr}, [][]byte{newSPS, newPPS, idr}},
		}},
		{"a half in-band pair is completed", []step{
			{[][]byte{sei, newSPS, idr}, [][]byte{newSPS, pps, sei, idr}},
		}},
		{"a new sequence header is kept, not emitted", []step{
			{[][]byte{newSPS, newPPS}, nil},
			{[][]byte{slice}, [][]byte{slice}},
			{[][]byte{idr}, [][]byte{newSPS, newPPS, idr}},
		}},
		{"nothing but an AUD or SEI", []step{
			{[][]byte{aud}, nil},
			{[][]byte{sei}, nil},
			{[][]byte{{}}, nil},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := &h264Params{sps: sps, pps: pps}
			for i, s := range c.steps {
				got, ok := p.accessUnit(s.in)
				if ok != (s.want != nil) || fmt.Sprint(got) != fmt.Sprint(s.want) {
					t.Fatalf("step %d: accessUnit(%v) = %v, %v; want %v", i, s.in, got, ok, s.want)
				}
			}
		})
	}
}
