package srt

import (
	"slices"
	"testing"
)

func TestParamSetsFix(t *testing.T) {
	aud := []byte{0x09, 0xf0}
	sps := []byte{0x67, 1}
	pps := []byte{0x68, 2}
	sei := []byte{0x06, 3}
	idr := []byte{0x65, 4}
	slice := []byte{0x41, 5}
	sps2 := []byte{0x67, 9}

	var p paramSets
	for i, c := range []struct {
		in      [][]byte
		want    [][]byte
		idr, ok bool
	}{
		{[][]byte{aud, slice}, [][]byte{slice}, false, true},
		{[][]byte{aud, idr}, [][]byte{idr}, true, false}, // nothing to put in front yet
		{[][]byte{aud, sps, pps, sei, idr}, [][]byte{sps, pps, sei, idr}, true, true},
		{[][]byte{slice}, [][]byte{slice}, false, true},
		{[][]byte{sei, idr}, [][]byte{sps, pps, sei, idr}, true, true}, // sent once, repeated
		{[][]byte{sps2, slice}, [][]byte{slice}, false, true},          // a new SPS waits for the IDR
		{[][]byte{pps, idr, {}}, [][]byte{sps2, pps, idr}, true, true}, // SPS from before, PPS from here
	} {
		out, isIDR, ok := p.fix(c.in)
		if !slices.EqualFunc(out, c.want, slices.Equal) || isIDR != c.idr || ok != c.ok {
			t.Errorf("unit %d: got %x idr=%v ok=%v, want %x idr=%v ok=%v", i, out, isIDR, ok, c.want, c.idr, c.ok)
		}
	}
}
