package ingest

/*
#cgo LDFLAGS: -lvo-aacenc
#include <stdlib.h>
#include <vo-aacenc/voAAC.h>
#include <vo-aacenc/cmnMemory.h>

#define AAC_FRAME_SAMPLES 1024
// 6144 bits per channel is the AAC-LC ceiling for one frame.
#define AAC_MAX_AU (768 * 2)

// The encoder keeps this pointer until Uninit and frees through it, so it
// cannot live on a stack; it is read-only and can be shared by all encoders.
static VO_MEM_OPERATOR aacMemOp = {
	cmnMemAlloc, cmnMemFree, cmnMemSet, cmnMemCopy, cmnMemCheck, cmnMemCompare, cmnMemMove,
};

// Everything the encoder may point to lives here, in C memory: SetInputData
// only records the input pointer and GetOutputData reads it later, so a Go
// buffer could never be handed over.
typedef struct {
	VO_AUDIO_CODECAPI api;
	VO_HANDLE handle;
	short in[AAC_FRAME_SAMPLES * 2];
	unsigned char out[AAC_MAX_AU];
} aacEnc;

static VO_U32 aacEncOpen(aacEnc **pe, int sampleRate, int bitRate, int channels) {
	aacEnc *e = calloc(1, sizeof(aacEnc));
	if (e == NULL) {
		return VO_ERR_OUTOF_MEMORY;
	}
	voGetAACEncAPI(&e->api);
	VO_CODEC_INIT_USERDATA ud = {0};
	ud.memflag = VO_IMF_USERMEMOPERATOR;
	ud.memData = &aacMemOp;
	VO_U32 ret = e->api.Init(&e->handle, VO_AUDIO_CodingAAC, &ud);
	if (ret != VO_ERR_NONE) {
		free(e);
		return ret;
	}
	AACENC_PARAM p = {0};
	p.sampleRate = sampleRate;
	p.bitRate = bitRate;
	p.nChannels = channels;
	p.adtsUsed = 0;
	ret = e->api.SetParam(e->handle, VO_PID_AAC_ENCPARAM, &p);
	if (ret != VO_ERR_NONE) {
		e->api.Uninit(e->handle);
		free(e);
		return ret;
	}
	*pe = e;
	return VO_ERR_NONE;
}

static VO_U32 aacEncEncode(aacEnc *e, int channels, int *outLen) {
	VO_CODECBUFFER in = {0};
	in.Buffer = (VO_PBYTE)e->in;
	in.Length = AAC_FRAME_SAMPLES * channels * sizeof(short);
	VO_U32 ret = e->api.SetInputData(e->handle, &in);
	if (ret != VO_ERR_NONE) {
		return ret;
	}
	VO_CODECBUFFER out = {0};
	out.Buffer = e->out;
	out.Length = AAC_MAX_AU;
	VO_AUDIO_OUTPUTINFO info = {0};
	ret = e->api.GetOutputData(e->handle, &out, &info);
	*outLen = (int)out.Length;
	return ret;
}

static void aacEncClose(aacEnc *e) {
	e->api.Uninit(e->handle);
	free(e);
}
*/
import "C"

import (
	"errors"
	"fmt"
	"slices"
	"unsafe"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
)

// aacSampleRates are the rates vo-aacenc accepts.
var aacSampleRates = []int{96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000}

// aacError is a vo-aacenc return code.
type aacError uint32

func (e aacError) Error() string {
	return fmt.Sprintf("vo-aacenc error 0x%08x", uint32(e))
}

// AACEncoder encodes interleaved signed 16-bit PCM into raw AAC-LC access
// units (no ADTS header) with Debian's libvo-aacenc. It is not safe for
// concurrent use.
type AACEncoder struct {
	// SampleRate in Hz. It defaults to 48000.
	SampleRate int
	// Channels (1 or 2). It defaults to 2.
	Channels int
	// Bitrate in bit/s. It defaults to 128000.
	Bitrate int

	c *C.aacEnc
}

// Start fills in defaults, validates and opens the encoder.
func (e *AACEncoder) Start() error {
	if e.c != nil {
		return errors.New("encoder already started")
	}
	if e.SampleRate == 0 {
		e.SampleRate = 48000
	}
	if e.Channels == 0 {
		e.Channels = 2
	}
	if e.Bitrate == 0 {
		e.Bitrate = 128_000
	}

	if !slices.Contains(aacSampleRates, e.SampleRate) {
		return fmt.Errorf("invalid SampleRate %d: use one of %v", e.SampleRate, aacSampleRates)
	}
	if e.Channels != 1 && e.Channels != 2 {
		return fmt.Errorf("invalid Channels %d: use 1 or 2", e.Channels)
	}
	// Out of this range vo-aacenc silently substitutes its own bitrate.
	minRate := 4000 * e.Channels
	maxRate := min(160_000, 6*e.SampleRate) * e.Channels
	if e.Bitrate < minRate || e.Bitrate > maxRate {
		return fmt.Errorf("invalid Bitrate %d: use %d to %d bit/s for this SampleRate and Channels",
			e.Bitrate, minRate, maxRate)
	}

	ret := C.aacEncOpen(&e.c, C.int(e.SampleRate), C.int(e.Bitrate), C.int(e.Channels))
	if ret != C.VO_ERR_NONE {
		e.c = nil
		return fmt.Errorf("open AAC encoder: %w", aacError(ret))
	}
	return nil
}

// FrameSamples returns the number of samples per channel in one access unit.
func (e *AACEncoder) FrameSamples() int {
	return C.AAC_FRAME_SAMPLES
}

// Encode encodes exactly one frame, FrameSamples()*Channels interleaved
// samples, into one access unit owned by the caller. Decoded, the stream
// starts with about 1600 samples of codec delay that nothing in raw AAC marks
// as priming, so timestamps derived from the input lead the sound slightly.
func (e *AACEncoder) Encode(pcm []int16) ([]byte, error) {
	if e.c == nil {
		return nil, errors.New("encoder not started")
	}
	n := e.FrameSamples() * e.Channels
	if len(pcm) != n {
		return nil, fmt.Errorf("invalid PCM length %d: need %d samples (%d per channel, %d channels)",
			len(pcm), n, e.FrameSamples(), e.Channels)
	}
	copy(unsafe.Slice((*int16)(unsafe.Pointer(&e.c.in[0])), n), pcm)

	var outLen C.int
	ret := C.aacEncEncode(e.c, C.int(e.Channels), &outLen)
	if ret != C.VO_ERR_NONE {
		return nil, fmt.Errorf("encode AAC frame: %w", aacError(ret))
	}
	return C.GoBytes(unsafe.Pointer(&e.c.out[0]), outLen), nil
}

// aacDelaySamples is vo-aacenc's codec delay, measured by decoding a tone
// with ffmpeg at 48 and 44.1 kHz: the sound of input sample 0 comes out at
// output sample 1600.
const aacDelaySamples = 1600

// Delay returns the codec delay in samples per channel.
func (e *AACEncoder) Delay() int { return aacDelaySamples }

// Config returns the AudioSpecificConfig describing the access units.
func (e *AACEncoder) Config() mpeg4audio.AudioSpecificConfig {
	return mpeg4audio.AudioSpecificConfig{
		Type:          mpeg4audio.ObjectTypeAACLC,
		SampleRate:    e.SampleRate,
		ChannelConfig: uint8(e.Channels),
	}
}

// Close frees the encoder. It is safe to call more than once.
func (e *AACEncoder) Close() {
	if e.c != nil {
		C.aacEncClose(e.c)
		e.c = nil
	}
}
