package main

import (
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
)

// trackStats follows one track as the client delivers it.
type trackStats struct {
	samples int
	lastDTS int64
	// monotone: decoding times only increased.
	monotone bool
	// reordered counts samples presented later than decoded (B-frames).
	reordered int
	// offset is wall-clock capture time minus media time (ms) of the last
	// sample; equal offsets on both tracks mean they share one clock.
	offset float64
}

func (s *trackStats) add(pts, dts int64, rate int, abs time.Time, ok bool) {
	if s.samples == 0 {
		s.monotone = true
	} else if dts <= s.lastDTS {
		s.monotone = false
	}
	if pts > dts {
		s.reordered++
	}
	s.samples++
	s.lastDTS = dts
	if ok {
		s.offset = float64(abs.UnixMilli()) - float64(pts)*1000/float64(rate)
	}
}

// hlsReader is gohlslib's Client reading a stream with a session cookie,
// counting what it decodes of H.264 and AAC.
type hlsReader struct {
	c      *gohlslib.Client
	mu     sync.Mutex
	video  trackStats
	audio  trackStats
	tracks []string
}

// readHLS starts a client on playlist (a full URL) with the cookie jwt=token.
func readHLS(t *testing.T, playlist, token string) *hlsReader {
	t.Helper()
	u, _ := url.Parse(playlist)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: "jwt", Value: token}})
	r := &hlsReader{}
	r.c = &gohlslib.Client{
		URI:                       playlist,
		HTTPClient:                &http.Client{Jar: jar, Timeout: 10 * time.Second},
		OnDownloadPrimaryPlaylist: func(string) {},
		OnDownloadStreamPlaylist:  func(string) {},
		OnDownloadSegment:         func(string) {},
		OnDownloadPart:            func(string) {},
		OnTracks: func(tracks []*gohlslib.Track) error {
			for _, tr := range tracks {
				r.tracks = append(r.tracks, fmt.Sprintf("%T", tr.Codec))
				switch tr.Codec.(type) {
				case *codecs.H264:
					r.c.OnDataH26x(tr, func(pts, dts int64, _ [][]byte) {
						abs, ok := r.c.AbsoluteTime(tr)
						r.mu.Lock()
						r.video.add(pts, dts, tr.ClockRate, abs, ok)
						r.mu.Unlock()
					})
				case *codecs.MPEG4Audio:
					r.c.OnDataMPEG4Audio(tr, func(pts int64, _ [][]byte) {
						abs, ok := r.c.AbsoluteTime(tr)
						r.mu.Lock()
						r.audio.add(pts, pts, tr.ClockRate, abs, ok)
						r.mu.Unlock()
					})
				default:
					return fmt.Errorf("unexpected track %T", tr.Codec)
				}
			}
			return nil
		},
	}
	if err := r.c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.c.Close)
	return r
}

// stats returns what was decoded so far.
func (r *hlsReader) stats() (video, audio trackStats) {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.video, r.audio
}

// waitSamples waits until the client decoded at least v video and a audio
// samples, failing the test when it stops or after limit.
func (r *hlsReader) waitSamples(t *testing.T, v, a int, limit time.Duration, logs fmt.Stringer) (video, audio trackStats) {
	t.Helper()
	deadline := time.After(limit)
	for {
		video, audio = r.stats()
		if video.samples >= v && audio.samples >= a {
			return video, audio
		}
		select {
		case err := <-r.c.Wait():
			t.Fatalf("client stopped: %v\nserver log:\n%s", err, logs)
		case <-deadline:
			t.Fatalf("after %v: %d video and %d audio samples\nserver log:\n%s", limit, video.samples, audio.samples, logs)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
