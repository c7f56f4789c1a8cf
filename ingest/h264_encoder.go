package ingest

/*
#cgo pkg-config: x264
#include <stdint.h>
#include <stdlib.h>
#include <x264.h>

typedef struct {
	x264_t *h;
	x264_picture_t pic;
} h264Enc;

// h264EncOpen sets x264 up for live HLS: High profile at an explicit level,
// no B-frames (the pipeline stamps PTS only), no lookahead (one picture in,
// one access unit out), an IDR exactly every keyint frames with SPS and PPS
// in front of it, and a bitrate capped over one second. "superfast" still
// has CABAC and 8x8 transforms (High profile) and encodes 1080p in 8 ms on
// two cores, where "veryfast" needs 18 ms of the 33 ms a frame may take.
static int h264EncOpen(h264Enc **pe, int width, int height, int fps, int kbit, int keyint, int level) {
	x264_param_t p;
	if (x264_param_default_preset(&p, "superfast", "zerolatency") < 0) {
		return -1;
	}
	p.i_log_level = X264_LOG_ERROR;
	p.i_csp = X264_CSP_I420;
	p.i_width = width;
	p.i_height = height;
	p.vui.i_sar_width = 1;
	p.vui.i_sar_height = 1;
	p.i_fps_num = fps;
	p.i_fps_den = 1;
	p.i_level_idc = level;
	p.i_bframe = 0;
	p.i_keyint_max = keyint;
	p.i_keyint_min = keyint;
	// A scene cut would add an IDR and move every later segment boundary.
	p.i_scenecut_threshold = 0;
	p.b_open_gop = 0;
	p.b_intra_refresh = 0;
	p.rc.i_rc_method = X264_RC_ABR;
	p.rc.i_bitrate = kbit;
	p.rc.i_vbv_max_bitrate = kbit;
	p.rc.i_vbv_buffer_size = kbit;
	p.b_repeat_headers = 1;
	p.b_annexb = 1;
	if (x264_param_apply_profile(&p, "high") < 0) {
		return -2;
	}
	h264Enc *e = calloc(1, sizeof(h264Enc));
	if (e == NULL) {
		return -3;
	}
	e->h = x264_encoder_open(&p);
	if (e->h == NULL) {
		free(e);
		return -4;
	}
	x264_picture_init(&e->pic);
	e->pic.img.i_csp = X264_CSP_I420;
	e->pic.img.i_plane = 3;
	*pe = e;
	return 0;
}

// h264EncEncode encodes one picture; the NAL units it returns lie one after
// the other in x264's memory until the next call. The plane pointers are
// only used during the call and cleared before it returns.
static int h264EncEncode(h264Enc *e, uint8_t *y, uint8_t *u, uint8_t *v, int ystride, int cstride,
		int64_t pts, int idr, uint8_t **out) {
	e->pic.img.plane[0] = y;
	e->pic.img.plane[1] = u;
	e->pic.img.plane[2] = v;
	e->pic.img.i_stride[0] = ystride;
	e->pic.img.i_stride[1] = cstride;
	e->pic.img.i_stride[2] = cstride;
	e->pic.i_pts = pts;
	e->pic.i_type = idr ? X264_TYPE_IDR : X264_TYPE_AUTO;
	x264_nal_t *nal;
	int n;
	x264_picture_t pic_out;
	int size = x264_encoder_encode(e->h, &nal, &n, &e->pic, &pic_out);
	e->pic.img.plane[0] = e->pic.img.plane[1] = e->pic.img.plane[2] = NULL;
	if (size > 0) {
		*out = nal[0].p_payload;
	}
	return size;
}

static void h264EncClose(h264Enc *e) {
	x264_encoder_close(e->h);
	free(e);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"image"
	"sync/atomic"
	"unsafe"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// H264Encoder encodes raw pictures into H.264 High profile access units
// with libx264 (Debian's libx264-dev). OpenH264, which mediadevices
// bundles, only produces Constrained Baseline as mediadevices drives it,
// which TVs reject; mediadevices' own x264 wrapper cannot be told the frame
// rate or the level, and collides with OpenH264 at link time.
type H264Encoder struct {
	// Width and Height of every picture. Required.
	Width, Height int
	// FPS is the frame rate written into the SPS and planned for by the rate
	// control. It defaults to 30.
	FPS int
	// Bitrate in bit/s, both the average and the cap over one second. It
	// defaults to 2500000.
	Bitrate int
	// KeyframeInterval is the distance between IDR frames, in frames. It
	// defaults to FPS, one per second, so that every 1 s segment can start
	// with one.
	KeyframeInterval int

	enc      *C.h264Enc
	frames   int64 // pictures encoded, x264's PTS
	forceIDR atomic.Bool
}

// Start fills in defaults, validates and opens the encoder.
func (e *H264Encoder) Start() error {
	if e.FPS == 0 {
		e.FPS = 30
	}
	if e.Bitrate == 0 {
		e.Bitrate = 2_500_000
	}
	if e.KeyframeInterval == 0 {
		e.KeyframeInterval = e.FPS
	}
	switch {
	case e.Width <= 0 || e.Height <= 0 || e.Width%2 != 0 || e.Height%2 != 0:
		return fmt.Errorf("invalid picture size %dx%d: width and height must be even and positive", e.Width, e.Height)
	case e.FPS < 1 || e.FPS > 120:
		return fmt.Errorf("invalid FPS %d: use 1 to 120", e.FPS)
	case e.Bitrate < 100_000:
		return fmt.Errorf("invalid Bitrate %d: use at least 100000 bit/s", e.Bitrate)
	case e.KeyframeInterval < 1:
		return fmt.Errorf("invalid KeyframeInterval %d: must be positive", e.KeyframeInterval)
	}
	level, err := h264Level(e.Width, e.Height, e.FPS, e.Bitrate)
	if err != nil {
		return err
	}
	var enc *C.h264Enc
	if rc := C.h264EncOpen(&enc, C.int(e.Width), C.int(e.Height), C.int(e.FPS),
		C.int(e.Bitrate/1000), C.int(e.KeyframeInterval), C.int(level)); rc != 0 {
		return fmt.Errorf("x264 rejected %dx%d at %d fps, level %d.%d (code %d, its reason is on stderr)",
			e.Width, e.Height, e.FPS, level/10, level%10, rc)
	}
	e.enc, e.frames = enc, 0
	return nil
}

// Encode encodes one 4:2:0 picture and returns the NAL units of its access
// unit. It is not safe for concurrent use.
func (e *H264Encoder) Encode(img image.Image) ([][]byte, error) {
	if e.enc == nil {
		return nil, errors.New("h264 encoder is not started")
	}
	yuv, ok := img.(*image.YCbCr)
	if !ok || yuv.SubsampleRatio != image.YCbCrSubsampleRatio420 {
		return nil, fmt.Errorf("picture is a %T, encoder expects a 4:2:0 *image.YCbCr", img)
	}
	b := yuv.Bounds()
	if b.Dx() != e.Width || b.Dy() != e.Height {
		return nil, fmt.Errorf("picture is %dx%d, encoder expects %dx%d", b.Dx(), b.Dy(), e.Width, e.Height)
	}
	yOff, cOff := yuv.YOffset(b.Min.X, b.Min.Y), yuv.COffset(b.Min.X, b.Min.Y)
	var out *C.uint8_t
	size := C.h264EncEncode(e.enc,
		(*C.uint8_t)(unsafe.Pointer(&yuv.Y[yOff])),
		(*C.uint8_t)(unsafe.Pointer(&yuv.Cb[cOff])),
		(*C.uint8_t)(unsafe.Pointer(&yuv.Cr[cOff])),
		C.int(yuv.YStride), C.int(yuv.CStride), C.int64_t(e.frames), boolToC(e.forceIDR.Swap(false)), &out)
	if size < 0 {
		return nil, fmt.Errorf("x264 failed to encode frame %d", e.frames)
	}
	e.frames++
	if size == 0 {
		return nil, nil
	}
	var au h264.AnnexB
	if err := au.Unmarshal(C.GoBytes(unsafe.Pointer(out), size)); err != nil {
		return nil, fmt.Errorf("x264 output: %w", err)
	}
	return au, nil
}

func boolToC(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// ForceIDR makes the next picture an IDR frame, e.g. after a source switch;
// the regular interval counts on from there. It may be called from any
// goroutine.
func (e *H264Encoder) ForceIDR() {
	e.forceIDR.Store(true)
}

// Close releases the encoder.
func (e *H264Encoder) Close() {
	if e.enc != nil {
		C.h264EncClose(e.enc)
		e.enc = nil
	}
}
