package ingest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/mediacommon/v2/pkg/codecs/h264"
)

func TestTestSourceEmitsSyncedSamples(t *testing.T) {
	for _, codec := range []Codec{CodecAAC, CodecOpus} {
		t.Run(string(codec), func(t *testing.T) {
			src := &TestSource{Encoding: Encoding{AudioCodec: codec}}
			if err := src.Start(); err != nil {
				t.Fatal(err)
			}
			defer src.Close()
			tracks := src.Tracks()
			if len(tracks) != 2 || tracks[0].Width != 1280 || tracks[0].Height != 720 || tracks[1].Codec != codec {
				t.Fatalf("tracks = %+v %+v", tracks[0], tracks[1])
			}

			var mu sync.Mutex
			var samples []Sample
			ctx, cancel := context.WithTimeout(context.Background(), 1500*time.Millisecond)
			defer cancel()
			if err := src.Run(ctx, func(s Sample) {
				mu.Lock()
				samples = append(samples, s)
				mu.Unlock()
			}); err != nil {
				t.Fatalf("Run: %v", err)
			}

			last := map[*Track]int64{}
			var video, audio, idr int
			delay := int64(src.audioEnc.Delay())
			var ref time.Time
			for _, s := range samples {
				if p, ok := last[s.Track]; ok && s.PTS <= p {
					t.Fatalf("%s PTS went from %d to %d", s.Track.Codec, p, s.PTS)
				}
				last[s.Track] = s.PTS
				// Capture time minus media time is the clock origin; it
				// must be the same on both tracks, once the audio codec
				// delay is added back, or lips drift from the sound.
				pts := s.PTS
				if s.Track.IsVideo() {
					video++
					if h264.IsRandomAccess(s.Units) {
						idr++
					}
				} else {
					audio++
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
			if video < 30 || audio < 40 {
				t.Fatalf("in 1.5 s: %d video, %d audio samples", video, audio)
			}
			if idr < 1 {
				t.Fatal("no IDR frame")
			}
		})
	}
}

func TestTestSourceRejectsTinyPicture(t *testing.T) {
	src := &TestSource{Encoding: Encoding{Width: 320, Height: 240}}
	if err := src.Start(); err == nil {
		src.Close()
		t.Fatal("a picture too small for the timestamp strip was accepted")
	}
}
