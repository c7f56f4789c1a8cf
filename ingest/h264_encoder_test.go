package ingest

import (
	"image"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

func noisePicture(w, h int, rng *rand.Rand) *image.YCbCr {
	img := image.NewYCbCr(image.Rect(0, 0, w, h), image.YCbCrSubsampleRatio420)
	for _, plane := range [][]byte{img.Y, img.Cb, img.Cr} {
		for i := range plane {
			plane[i] = byte(rng.IntN(256))
		}
	}
	return img
}

func startEncoder(t *testing.T, e *H264Encoder) *H264Encoder {
	t.Helper()
	if err := e.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(e.Close)
	return e
}

// encodeOne encodes img and insists on exactly one access unit: a
// zero-latency encoder never holds a picture back.
func encodeOne(t *testing.T, e *H264Encoder, img image.Image, n int) [][]byte {
	t.Helper()
	au, err := e.Encode(img)
	if err != nil {
		t.Fatalf("frame %d: %v", n, err)
	}
	if len(au) == 0 {
		t.Fatalf("frame %d: no access unit; the encoder delays pictures", n)
	}
	return au
}

func unitTypes(au [][]byte) []h264.NALUType {
	types := make([]h264.NALUType, len(au))
	for i, u := range au {
		types[i] = h264.NALUType(u[0] & 0x1f)
	}
	return types
}

func TestH264EncoderSPS(t *testing.T) {
	for _, tc := range []struct {
		w, h, fps int
		level     uint8
	}{
		{64, 64, 30, 20}, // 2.5 Mbit/s needs level 2
		{1280, 720, 30, 31},
		{1920, 1080, 30, 40},
		{1280, 720, 25, 31},
		{1920, 1080, 60, 42},
	} {
		e := startEncoder(t, &H264Encoder{Width: tc.w, Height: tc.h, FPS: tc.fps})
		au := encodeOne(t, e, image.NewYCbCr(image.Rect(0, 0, tc.w, tc.h), image.YCbCrSubsampleRatio420), 0)
		var sps h264.SPS
		for _, u := range au {
			if h264.NALUType(u[0]&0x1f) == h264.NALUTypeSPS {
				if err := sps.Unmarshal(u); err != nil {
					t.Fatal(err)
				}
			}
		}
		switch {
		case sps.ProfileIdc != 100:
			t.Errorf("%dx%d@%d: profile_idc %d, want 100 (High)", tc.w, tc.h, tc.fps, sps.ProfileIdc)
		case sps.LevelIdc != tc.level:
			t.Errorf("%dx%d@%d: level_idc %d, want %d", tc.w, tc.h, tc.fps, sps.LevelIdc, tc.level)
		case sps.Width() != tc.w || sps.Height() != tc.h:
			t.Errorf("%dx%d@%d: SPS says %dx%d", tc.w, tc.h, tc.fps, sps.Width(), sps.Height())
		case sps.FPS() != float64(tc.fps):
			t.Errorf("%dx%d@%d: SPS says %v fps", tc.w, tc.h, tc.fps, sps.FPS())
		case sps.VUI.BitstreamRestriction == nil || sps.VUI.BitstreamRestriction.MaxNumReorderFrames != 0:
			t.Errorf("%dx%d@%d: SPS allows reordering (B-frames), but DTS = PTS", tc.w, tc.h, tc.fps)
		}
	}
}

// TestH264EncoderIDRs checks that IDRs come exactly every KeyframeInterval
// frames and after ForceIDR, each with SPS and PPS in front so that every
// segment can start playback.
func TestH264EncoderIDRs(t *testing.T) {
	e := startEncoder(t, &H264Encoder{Width: 320, Height: 240, KeyframeInterval: 10})
	rng := rand.New(rand.NewPCG(1, 2))
	var idrs []int
	for n := range 45 {
		if n == 23 {
			e.ForceIDR()
		}
		au := encodeOne(t, e, noisePicture(320, 240, rng), n)
		types := unitTypes(au)
		if !h264.IsRandomAccess(au) {
			continue
		}
		idrs = append(idrs, n)
		var sps, pps bool
		for _, typ := range types {
			switch typ {
			case h264.NALUTypeSPS:
				sps = true
			case h264.NALUTypePPS:
				pps = true
			case h264.NALUTypeIDR:
				if !sps || !pps {
					t.Errorf("frame %d: IDR without SPS and PPS before it: %v", n, types)
				}
			}
		}
	}
	if got, want := idrs, []int{0, 10, 20, 23, 33, 43}; !slices.Equal(got, want) {
		t.Errorf("IDRs at frames %v, want %v", got, want)
	}
}

// TestH264EncoderBitrate feeds noise, which the encoder cannot compress
// below its budget, and checks that it spends about Bitrate per second.
func TestH264EncoderBitrate(t *testing.T) {
	const fps, bitrate = 30, 500_000
	e := startEncoder(t, &H264Encoder{Width: 320, Height: 240, FPS: fps, Bitrate: bitrate})
	rng := rand.New(rand.NewPCG(3, 4))
	perSecond := make([]int, 4)
	for n := range 4 * fps {
		for _, u := range encodeOne(t, e, noisePicture(320, 240, rng), n) {
			perSecond[n/fps] += 8 * len(u)
		}
	}
	t.Logf("bits per second: %v", perSecond)
	for s, bits := range perSecond {
		if bits > 2*bitrate || bits < bitrate/2 {
			t.Errorf("second %d: %d bit, want about %d: %v", s, bits, bitrate, perSecond)
		}
	}
	total := 0
	for _, bits := range perSecond[1:] {
		total += bits
	}
	if avg := total / 3; avg > bitrate*11/10 {
		t.Errorf("average after the first second %d bit/s, want ≤ %d", avg, bitrate*11/10)
	}
}

func TestH264EncoderRejects(t *testing.T) {
	for _, tc := range []struct {
		enc  *H264Encoder
		want string
	}{
		{&H264Encoder{Width: 641, Height: 480}, "invalid picture size"},
		{&H264Encoder{Width: 640, Height: 480, FPS: 500}, "invalid FPS"},
		{&H264Encoder{Width: 640, Height: 480, Bitrate: 1000}, "invalid Bitrate"},
		{&H264Encoder{Width: 640, Height: 480, KeyframeInterval: -1}, "invalid KeyframeInterval"},
		{&H264Encoder{Width: 7680, Height: 4320, FPS: 60}, "exceeds H.264 level 5.2"},
	} {
		err := tc.enc.Start()
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%dx%d at %d fps, %d bit/s: Start() = %v, want %q",
				tc.enc.Width, tc.enc.Height, tc.enc.FPS, tc.enc.Bitrate, err, tc.want)
			tc.enc.Close()
		}
	}

	e := startEncoder(t, &H264Encoder{Width: 64, Height: 64})
	for _, img := range []image.Image{
		image.NewYCbCr(image.Rect(0, 0, 64, 48), image.YCbCrSubsampleRatio420),
		image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio422),
		image.NewRGBA(image.Rect(0, 0, 64, 64)),
	} {
		if _, err := e.Encode(img); err == nil {
			t.Errorf("Encode(%T %v) succeeded", img, img.Bounds())
		}
	}
	var unstarted H264Encoder
	if _, err := unstarted.Encode(image.NewYCbCr(image.Rect(0, 0, 64, 64), image.YCbCrSubsampleRatio420)); err == nil {
		t.Error("Encode before Start succeeded")
	}
}

func TestH264Level(t *testing.T) {
	for _, tc := range []struct {
		w, h, fps, bitrate, want int
	}{
		{64, 64, 30, 100_000, 11},
		{640, 480, 30, 1_000_000, 30},
		{1280, 720, 30, 2_500_000, 31},
		{1280, 720, 60, 2_500_000, 32},
		{1920, 1080, 30, 2_500_000, 40},
		{1920, 1080, 30, 25_000_000, 40},
		{1920, 1080, 30, 30_000_000, 41},
		{1920, 1080, 60, 6_000_000, 42},
		{3840, 2160, 30, 20_000_000, 51},
		{3840, 2160, 60, 20_000_000, 52},
		{8192, 64, 30, 1_000_000, 51}, // 512 macroblocks wide: too wide below 5.1
		{7680, 4320, 30, 20_000_000, 0},
	} {
		got, err := h264Level(tc.w, tc.h, tc.fps, tc.bitrate)
		if got != tc.want || (err != nil) != (tc.want == 0) {
			t.Errorf("h264Level(%d, %d, %d, %d) = %d, %v; want %d", tc.w, tc.h, tc.fps, tc.bitrate, got, err, tc.want)
		}
	}
}
