package ingest

import (
	"bytes"
	"slices"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

var (
	testSPS    = []byte{0x67, 1}
	testPPS    = []byte{0x68, 1}
	newSPS     = []byte{0x67, 2}
	newPPS     = []byte{0x68, 2}
	testAUD    = []byte{0x09, 0xf0}
	testSEI    = []byte{0x06, 5}
	testIDR    = []byte{0x65, 0x88}
	testSlice  = []byte{0x41, 0x9a}
	testPartA  = []byte{0x02, 0x9a}
	configured = H264Params{SPS: testSPS, PPS: testPPS}
)

// h264ParamsStep is one access unit through H264Params.AccessUnit.
type h264ParamsStep struct {
	in      [][]byte
	want    [][]byte
	picture bool
}

// h264ParamsCases start from the parameter sets of a configuration record
// (RTMP, MP4) or from none (MPEG-TS) and feed access units in order.
var h264ParamsCases = []struct {
	name  string
	start H264Params
	steps []h264ParamsStep
}{
	{"IDR gets the configured SPS and PPS", configured, []h264ParamsStep{
		{[][]byte{testIDR}, [][]byte{testSPS, testPPS, testIDR}, true},
	}},
	{"they go in front of an SEI", configured, []h264ParamsStep{
		{[][]byte{testSEI, testIDR}, [][]byte{testSPS, testPPS, testSEI, testIDR}, true},
	}},
	{"other pictures are left alone", configured, []h264ParamsStep{
		{[][]byte{testSlice}, [][]byte{testSlice}, true},
		{[][]byte{testPartA}, [][]byte{testPartA}, true},
	}},
	{"AUDs and empty units are dropped", configured, []h264ParamsStep{
		{[][]byte{testAUD, testSlice}, [][]byte{testSlice}, true},
		{[][]byte{testAUD, testIDR, {}}, [][]byte{testSPS, testPPS, testIDR}, true},
	}},
	{"in-band parameter sets stay and are kept", configured, []h264ParamsStep{
		{[][]byte{testSEI, newSPS, newPPS, testIDR}, [][]byte{testSEI, newSPS, newPPS, testIDR}, true},
		{[][]byte{testIDR}, [][]byte{newSPS, newPPS, testIDR}, true},
	}},
	{"a half in-band pair is completed", configured, []h264ParamsStep{
		{[][]byte{testSEI, newSPS, testIDR}, [][]byte{newSPS, testPPS, testSEI, testIDR}, true},
	}},
	{"a new sequence header is kept but holds no picture", configured, []h264ParamsStep{
		{[][]byte{newSPS, newPPS}, [][]byte{newSPS, newPPS}, false},
		{[][]byte{testSlice}, [][]byte{testSlice}, true},
		{[][]byte{testIDR}, [][]byte{newSPS, newPPS, testIDR}, true},
	}},
	{"nothing but an AUD or SEI", configured, []h264ParamsStep{
		{[][]byte{testAUD}, nil, false},
		{[][]byte{testSEI}, [][]byte{testSEI}, false},
		{[][]byte{{}}, nil, false},
	}},
	{"in-band only, sent once", H264Params{}, []h264ParamsStep{
		{[][]byte{testAUD, testSlice}, [][]byte{testSlice}, true},
		{[][]byte{testAUD, testIDR}, [][]byte{testIDR}, true}, // nothing to put in front yet
		{[][]byte{testAUD, testSPS, testPPS, testSEI, testIDR}, [][]byte{testSPS, testPPS, testSEI, testIDR}, true},
		{[][]byte{testSlice}, [][]byte{testSlice}, true},
		{[][]byte{testSEI, testIDR}, [][]byte{testSPS, testPPS, testSEI, testIDR}, true},
		{[][]byte{newSPS, testSlice}, [][]byte{newSPS, testSlice}, true},           // a new SPS is kept for the IDR
		{[][]byte{testPPS, testIDR, {}}, [][]byte{newSPS, testPPS, testIDR}, true}, // SPS from before, PPS from here
	}},
}

func TestH264ParamsAccessUnit(t *testing.T) {
	for _, c := range h264ParamsCases {
		t.Run(c.name, func(t *testing.T) {
			p := c.start
			for i, s := range c.steps {
				got, picture := p.AccessUnit(s.in)
				if !slices.EqualFunc(got, s.want, bytes.Equal) || picture != s.picture {
					t.Fatalf("step %d: AccessUnit(%x) = %x, %v; want %x, %v", i, s.in, got, picture, s.want, s.picture)
				}
			}
		})
	}
}

func TestH264ParamsReady(t *testing.T) {
	var p H264Params
	if p.Ready() {
		t.Fatal("the zero H264Params is ready")
	}
	p.AccessUnit([][]byte{testSPS, testSlice})
	if p.Ready() {
		t.Fatal("ready with an SPS alone")
	}
	p.AccessUnit([][]byte{testPPS})
	if !p.Ready() || !bytes.Equal(p.SPS, testSPS) || !bytes.Equal(p.PPS, testPPS) {
		t.Fatalf("after an SPS and a PPS: %x %x ready=%v", p.SPS, p.PPS, p.Ready())
	}
}

func TestH264ParamSets(t *testing.T) {
	for _, c := range []struct {
		name     string
		au       [][]byte
		sps, pps []byte
	}{
		{"none", [][]byte{testIDR}, nil, nil},
		{"both", [][]byte{testAUD, testSPS, testPPS, testIDR}, testSPS, testPPS},
		{"the last of each", [][]byte{testSPS, testPPS, {}, newSPS, newPPS}, newSPS, newPPS},
		{"a PPS alone", [][]byte{testSlice, newPPS}, nil, newPPS},
	} {
		t.Run(c.name, func(t *testing.T) {
			sps, pps := H264ParamSets(c.au)
			if !bytes.Equal(sps, c.sps) || !bytes.Equal(pps, c.pps) || (sps == nil) != (c.sps == nil) || (pps == nil) != (c.pps == nil) {
				t.Errorf("H264ParamSets(%x) = %x, %x; want %x, %x", c.au, sps, pps, c.sps, c.pps)
			}
		})
	}
}

// FuzzH264ParamsAccessUnit feeds access units as a publisher may send
// them (NAL units separated by a zero byte here) after a configuration
// record or none.
func FuzzH264ParamsAccessUnit(f *testing.F) {
	for _, c := range h264ParamsCases {
		for _, s := range c.steps {
			f.Add(c.start.Ready(), bytes.Join(s.in, []byte{0}))
		}
	}
	f.Fuzz(func(t *testing.T, configuredStart bool, b []byte) {
		var p H264Params
		if configuredStart {
			p = configured
		}
		au := bytes.Split(b, []byte{0})
		out, picture := p.AccessUnit(au)
		var idr, slice bool
		for _, u := range out {
			if len(u) == 0 {
				t.Fatalf("AccessUnit(%x) = %x keeps an empty unit", au, out)
			}
			switch h264.NALUType(u[0] & 0x1f) {
			case h264.NALUTypeAccessUnitDelimiter:
				t.Fatalf("AccessUnit(%x) = %x keeps an AUD", au, out)
			case h264.NALUTypeIDR:
				idr, slice = true, true
			case h264.NALUTypeNonIDR, h264.NALUTypeDataPartitionA, h264.NALUTypeDataPartitionB, h264.NALUTypeDataPartitionC:
				slice = true
			}
		}
		if picture != slice {
			t.Fatalf("AccessUnit(%x) = %x, picture %v", au, out, picture)
		}
		if sps, pps := H264ParamSets(out); idr && p.Ready() && (sps == nil || pps == nil) {
			t.Fatalf("AccessUnit(%x) = %x: an IDR without SPS and PPS although both are known", au, out)
		}
	})
}
