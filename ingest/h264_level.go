package ingest

import (
	"fmt"
	"math"
)

// h264LevelLimits is one row of table A-1 of the H.264 specification.
type h264LevelLimits struct {
	idc     int // level_idc: 10 × the level number
	mbps    int // MaxMBPS, macroblocks per second
	fs      int // MaxFS, macroblocks per picture
	bitrate int // MaxBR in kbit/s for Baseline and Main; High may use 1.25 × this
}

// h264Level returns the lowest level_idc that allows a High profile stream
// of w×h pictures at fps and bitrate bit/s (the encoder's VBV buffer holds
// one second, so the bitrate bounds the buffer too). Apple's authoring
// specification (1.11) asks for no higher level than the picture needs:
// 3.1 for 720p30, 4.0 for 1080p30, 4.2 for 1080p60.
func h264Level(w, h, fps, bitrate int) (int, error) {
	// The High profile levels, lowest first (level 1b, a Baseline oddity,
	// left out).
	levels := [...]h264LevelLimits{
		{10, 1_485, 99, 64},
		{11, 3_000, 396, 192},
		{12, 6_000, 396, 384},
		{13, 11_880, 396, 768},
		{20, 11_880, 396, 2_000},
		{21, 19_800, 792, 4_000},
		{22, 20_250, 1_620, 4_000},
		{30, 40_500, 1_620, 10_000},
		{31, 108_000, 3_600, 14_000},
		{32, 216_000, 5_120, 20_000},
		{40, 245_760, 8_192, 20_000},
		{41, 245_760, 8_192, 50_000},
		{42, 522_240, 8_704, 50_000},
		{50, 589_824, 22_080, 135_000},
		{51, 983_040, 36_864, 240_000},
		{52, 2_073_600, 36_864, 240_000},
	}
	mbW, mbH := (w+15)/16, (h+15)/16
	fs := mbW * mbH
	for _, l := range levels {
		// A side of the picture may not exceed sqrt(8 × MaxFS) macroblocks.
		maxSide := int(math.Sqrt(float64(8 * l.fs)))
		if fs <= l.fs && mbW <= maxSide && mbH <= maxSide && fs*fps <= l.mbps && bitrate <= l.bitrate*1250 {
			return l.idc, nil
		}
	}
	return 0, fmt.Errorf("%dx%d at %d fps and %d bit/s exceeds H.264 level 5.2: lower the size, frame rate or bitrate",
		w, h, fps, bitrate)
}
