package ingest

import (
	"context"
	"image"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

// collector gathers emitted samples.
type collector struct {
	mu      sync.Mutex
	samples []Sample
}

func (c *collector) emit(s Sample) {
	c.mu.Lock()
	c.samples = append(c.samples, s)
	c.mu.Unlock()
}

func (c *collector) all() []Sample {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Sample(nil), c.samples...)
}

func startPipeline(t *testing.T, enc Encoding) *Pipeline {
	t.Helper()
	enc.Logger = slog.New(slog.DiscardHandler)
	p := &Pipeline{Encoding: enc}
	if err := p.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(p.Close)
	return p
}

// runFor runs p for d, calling during(elapsed) every 10 ms meanwhile.
func runFor(t *testing.T, p *Pipeline, d time.Duration, during func(time.Duration)) []Sample {
	t.Helper()
	var c collector
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	done := make(chan error, 1)
	start := time.Now()
	go func() { done <- p.Run(ctx, c.emit) }()
	for tick := time.NewTicker(10 * time.Millisecond); ctx.Err() == nil; <-tick.C {
		if during != nil {
			during(time.Since(start))
		}
	}
	if err := <-done; err != nil {
		t.Fatalf("Run: %v", err)
	}
	return c.all()
}

func TestPipelineEmitsSyncedSamples(t *testing.T) {
	for _, codec := range []Codec{CodecAAC, CodecOpus} {
		t.Run(string(codec), func(t *testing.T) {
			p := startPipeline(t, Encoding{AudioCodec: codec})
			tracks := p.Tracks()
			if len(tracks) != 2 || tracks[0].Width != 1280 || tracks[0].Height != 720 || tracks[1].Codec != codec {
				t.Fatalf("tracks = %+v %+v", tracks[0], tracks[1])
			}
			video, err := NewTestVideo(1280, 720)
			if err != nil {
				t.Fatal(err)
			}
			p.SetVideo(video)
			p.SetAudio(NewTestAudio())
			samples := runFor(t, p, 1500*time.Millisecond, nil)

			last := map[*Track]int64{}
			var nv, na, idr int
			delay := int64(p.audioEnc.Delay())
			var ref time.Time
			for _, s := range samples {
				if prev, ok := last[s.Track]; ok && s.PTS <= prev {
					t.Fatalf("%s PTS went from %d to %d", s.Track.Codec, prev, s.PTS)
				}
				last[s.Track] = s.PTS
				// Capture time minus media time is the clock origin; it
				// must be the same on both tracks, once the audio codec
				// delay is added back, or lips drift from the sound.
				pts := s.PTS
				if s.Track.IsVideo() {
					nv++
					if h264.IsRandomAccess(s.Units) {
						idr++
					}
				} else {
					na++
					pts += delay
				}
				origin := s.NTP.Add(-Sample{Track: s.Track, PTS: pts}.Duration())
				if ref.IsZero() {
					ref = origin
				}
				if d := origin.Sub(ref); d > time.Millisecond || d < -time.Millisecond {
					t.Fatalf("%s sample at PTS %d is %v off the shared clock", s.Track.Codec, s.PTS, d)
				}
			}
			if nv < 30 || na < 40 {
				t.Fatalf("in 1.5 s: %d video, %d audio samples", nv, na)
			}
			if idr < 1 {
				t.Fatal("no IDR frame")
			}
			if st := p.Stats(); st.FramesIn == 0 || st.FramesOut != uint64(nv) || st.VideoBytes == 0 || st.AudioBytes == 0 {
				t.Fatalf("stats = %+v with %d video samples", st, nv)
			}
		})
	}
}

// TestPipelineSwitchKeepsTheClock switches the picture away and back while
// running: every frame slot is still filled, with a steady PTS.
func TestPipelineSwitchKeepsTheClock(t *testing.T) {
	p := startPipeline(t, Encoding{})
	video, err := NewTestVideo(1280, 720)
	if err != nil {
		t.Fatal(err)
	}
	p.SetVideo(video)
	switched, back := false, false
	samples := runFor(t, p, 1500*time.Millisecond, func(el time.Duration) {
		switch {
		case el > 500*time.Millisecond && !switched:
			switched = true
			p.SetVideo(nil)
			p.SetAudio(NewTestAudio())
		case el > time.Second && !back:
			back = true
			v, _ := NewTestVideo(1280, 720)
			p.SetVideo(v)
			p.SetAudio(nil)
		}
	})
	checkFrameGrid(t, samples)
	st := p.Stats()
	if st.FramesOut < 20 || st.FramesIn >= st.FramesOut {
		t.Fatalf("stats %+v: want slate frames (out > in) and a full frame rate", st)
	}
}

func TestPipelineShowsWhyThereIsNoPicture(t *testing.T) {
	p := startPipeline(t, Encoding{})
	frame := image.NewYCbCr(image.Rect(0, 0, 1280, 720), image.YCbCrSubsampleRatio420)
	img, seq := p.picture(time.Now(), frame)
	if seq != 0 || img.Y[0] != slateGrey {
		t.Fatalf("no input: seq %d, corner luma %d, want the slate", seq, img.Y[0])
	}
	if v, a := p.Status(); v.State != StateOff || a.State != StateOff || v.Kind != InputNone {
		t.Fatalf("status without inputs: %+v %+v", v, a)
	}
}

// checkFrameGrid checks that video PTS step by whole frames (3000 at
// 30 fps). A step of more than one frame happens only when the machine
// falls a second behind, which a loaded test machine can; it is logged.
func checkFrameGrid(t *testing.T, samples []Sample) {
	t.Helper()
	var prev int64 = -1
	for _, s := range samples {
		if !s.Track.IsVideo() {
			continue
		}
		if prev >= 0 {
			if d := s.PTS - prev; d <= 0 || d%3000 != 0 {
				t.Fatalf("video PTS went from %d to %d, want whole frames of 3000", prev, s.PTS)
			} else if d > 3000 {
				t.Logf("video skipped %d frames (machine behind)", d/3000-1)
			}
		}
		prev = s.PTS
	}
}
