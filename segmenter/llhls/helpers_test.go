package llhls

import (
	"bytes"
	"context"
	"log/slog"
	"math"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	"github.com/bluenviron/mediacommon/v2/pkg/codecs/mpeg4audio"
	"github.com/llcast/llcast/ingest"
)

// testSPS is a real H.264 SPS (gohlslib's tests: baseline, 1920x1080);
// testPPS a PPS NAL unit.
var (
	testSPS = []byte{
		0x67, 0x42, 0xc0, 0x28, 0xd9, 0x00, 0x78, 0x02,
		0x27, 0xe5, 0x84, 0x00, 0x00, 0x03, 0x00, 0x04,
		0x00, 0x00, 0x03, 0x00, 0xf0, 0x3c, 0x60, 0xc9,
		0x20,
	}
	testPPS = []byte{0x68, 0xce, 0x3c, 0x80}
	// t0 is the wall clock at media time zero.
	t0 = time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)
)

// audioFrame is the length of an AAC frame at 48 kHz.
const audioFrame = 1024 * time.Second / 48000

func videoTrack() *ingest.Track {
	return &ingest.Track{Codec: ingest.CodecH264, ClockRate: 90000, Width: 1920, Height: 1080, FPS: 30}
}

func aacTrack() *ingest.Track {
	return &ingest.Track{
		Codec: ingest.CodecAAC, ClockRate: 48000, SampleRate: 48000, Channels: 2,
		AACConfig: mpeg4audio.AudioSpecificConfig{Type: 2, SampleRate: 48000, ChannelCount: 2},
	}
}

func opusTrack() *ingest.Track {
	return &ingest.Track{Codec: ingest.CodecOpus, ClockRate: 48000, SampleRate: 48000, Channels: 2}
}

// frame is a video access unit as a test writes it: n is its decoding
// index, written into its slice so that the fMP4 sample can be told.
type frame struct {
	n        int
	dts, pts int64 // 90 kHz, 30 fps
	idr      bool
}

// frames lays out GOPs of the given lengths in decoding order. With
// bframes each GOP is I P B B P B B … and PTS = DTS + a reordering delay
// of two frames, so that the composition offsets differ (2, 4, 1, 1
// frames); GOP lengths of 3k+1 keep presentation inside the GOP.
func frames(gops []int, bframes bool) []frame {
	var out []frame
	for _, n := range gops {
		start := len(out)
		for k := range n {
			pres, delay := k, 0
			if bframes {
				delay = 2
				if k > 0 {
					pres = 3*((k-1)/3) + []int{3, 1, 2}[(k-1)%3]
				}
			}
			g := start + k
			out = append(out, frame{n: g, dts: int64(g) * 3000, pts: int64(start+pres+delay) * 3000, idr: k == 0})
		}
	}
	return out
}

// slice is the slice NAL unit of f.
func (f frame) slice() []byte {
	if f.idr {
		return []byte{0x65, 0x88, byte(f.n >> 8), byte(f.n)}
	}
	return []byte{0x41, 0x9a, byte(f.n >> 8), byte(f.n)}
}

func (f frame) sample(v *ingest.Track) ingest.Sample {
	units := [][]byte{f.slice()}
	if f.idr {
		units = [][]byte{testSPS, testPPS, f.slice()}
	}
	return ingest.Sample{Track: v, DTS: f.dts, PTS: f.pts, NTP: t0.Add(ticksToDuration(f.pts, 90000)), Units: units}
}

func aacSample(a *ingest.Track, k int, ntpSkew time.Duration) ingest.Sample {
	ts := int64(k) * 1024
	return ingest.Sample{Track: a, DTS: ts, PTS: ts, NTP: t0.Add(ticksToDuration(ts, 48000) + ntpSkew), Units: [][]byte{{0x21, 0x1b, byte(k)}}}
}

func ticksToDuration(n int64, rate int64) time.Duration {
	return time.Duration(n) * time.Second / time.Duration(rate)
}

// live writes 30 fps video with an IDR every second, a frame a call,
// moving the fake clock (when there is one) to the frame's time.
type live struct {
	t     *testing.T
	m     *Muxer
	v     *ingest.Track
	now   *time.Time
	n     int
	video *mediaPlaylist
}

func newLive(t *testing.T, m *Muxer, now *time.Time) *live {
	t.Helper()
	v := videoTrack()
	m.Tracks = []*ingest.Track{v}
	if now != nil {
		*now = t0
		m.Now = func() time.Time { return *now }
	}
	startMuxer(t, m)
	return &live{t: t, m: m, v: v, now: now, video: m.byName["video"]}
}

func (l *live) write() {
	l.t.Helper()
	f := frame{n: l.n, dts: int64(l.n) * 3000, pts: int64(l.n) * 3000, idr: l.n%30 == 0}
	if l.now != nil {
		*l.now = t0.Add(ticksToDuration(f.dts, 90000))
	}
	if err := l.m.WriteSample(f.sample(l.v)); err != nil {
		l.t.Fatal(err)
	}
	l.n++
}

// until writes frames until cond holds.
func (l *live) until(cond func(s *snapshot) bool) {
	l.t.Helper()
	for i := 0; !cond(l.video.current.Load()); i++ {
		if i == 100000 {
			l.t.Fatal("the muxer never got there")
		}
		l.write()
	}
}

func startMuxer(t *testing.T, m *Muxer) *Muxer {
	t.Helper()
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Close)
	return m
}

type handler interface {
	Handle(w http.ResponseWriter, r *http.Request, name string)
}

// get serves target ("name?query") with header (name, value pairs).
func get(t *testing.T, h handler, target string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	return getCtx(context.Background(), h, target, header...)
}

func getCtx(ctx context.Context, h handler, target string, header ...string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(http.MethodGet, "http://llcast.test/live/"+target, nil).WithContext(ctx)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	name, _, _ := strings.Cut(target, "?")
	w := httptest.NewRecorder()
	h.Handle(w, r, name)
	return w
}

// call is a request being served by a goroutine of the test.
type call struct {
	done chan struct{}
	w    *httptest.ResponseRecorder
}

func getAsync(ctx context.Context, h handler, target string, header ...string) *call {
	c := &call{done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.w = getCtx(ctx, h, target, header...)
	}()
	return c
}

func (c *call) wait(t *testing.T) *httptest.ResponseRecorder {
	t.Helper()
	select {
	case <-c.done:
		return c.w
	case <-time.After(10 * time.Second):
		t.Fatal("the request was not answered")
		return nil
	}
}

func (c *call) answered() bool {
	select {
	case <-c.done:
		return true
	default:
		return false
	}
}

// waitFor yields until cond holds; no sleeping, a deadline only.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); !cond(); runtime.Gosched() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// waitWaiting waits until n requests hold a MaxWaiting slot of s.
func waitWaiting(t *testing.T, s *server, n int) {
	t.Helper()
	waitFor(t, "waiting requests", func() bool { total, _ := s.waiters.held(); return total == n })
}

// noneWaiting fails the test if a request of s still holds a slot, or a
// client an entry in the per-client counts.
func noneWaiting(t *testing.T, s *server) {
	t.Helper()
	if total, clients := s.waiters.held(); total != 0 || clients != 0 {
		t.Errorf("%d slots still held, by %d clients", total, clients)
	}
}

func mediaOf(t *testing.T, body []byte) *playlist.Media {
	t.Helper()
	var m playlist.Media
	if err := m.Unmarshal(body); err != nil {
		t.Fatalf("%v in\n%s", err, body)
	}
	return &m
}

func multivariantOf(t *testing.T, body []byte) *playlist.Multivariant {
	t.Helper()
	var m playlist.Multivariant
	if err := m.Unmarshal(body); err != nil {
		t.Fatalf("%v in\n%s", err, body)
	}
	return &m
}

// near reports whether a and b are within tol.
func near(a, b, tol time.Duration) bool { return time.Duration(math.Abs(float64(a-b))) <= tol }

// lockedBuffer collects log lines written from any goroutine.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.buf.Len() == 0 {
		return nil
	}
	return strings.Split(strings.TrimSpace(b.buf.String()), "\n")
}

func (b *lockedBuffer) logger() *slog.Logger { return slog.New(slog.NewTextHandler(b, nil)) }

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
