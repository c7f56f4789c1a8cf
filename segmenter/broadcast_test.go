package segmenter

import (
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"
	"github.com/go-chi/chi/v5"

	"github.com/llcast/llcast/ingest"
)

var (
	testInputs = ingest.Selection{Video: ingest.Choice{Kind: ingest.InputTest}, Audio: ingest.Choice{Kind: ingest.InputTest}}
	noInputs   = ingest.Selection{Video: ingest.Choice{Kind: ingest.InputNone}, Audio: ingest.Choice{Kind: ingest.InputNone}}
)

func startBroadcast(t *testing.T) (*Broadcast, *Registry) {
	t.Helper()
	reg := &Registry{}
	b := &Broadcast{
		Registry: reg, Logger: slog.New(slog.DiscardHandler),
		ListDevices: func() []ingest.Device { return nil },
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(b.Close)
	return b, reg
}

// serveRegistry serves the registry's streams at /live/{stream}/.
func serveRegistry(t *testing.T, reg *Registry) *httptest.Server {
	r := chi.NewRouter()
	r.Get("/live/{stream}/*", func(w http.ResponseWriter, req *http.Request) {
		h, ok := reg.Handler(chi.URLParam(req, "stream"))
		if !ok {
			http.NotFound(w, req)
			return
		}
		h.ServeHTTP(w, req)
	})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

// ptsLog records the timestamps a gohlslib client delivers per track.
type ptsLog struct {
	mu   sync.Mutex
	pts  map[string][]int64
	seen map[string]time.Time
}

func (l *ptsLog) add(track string, pts int64) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.pts[track] = append(l.pts[track], pts)
	l.seen[track] = time.Now()
}

func (l *ptsLog) count(track string) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.pts[track])
}

func readStream(t *testing.T, uri string) *ptsLog {
	t.Helper()
	log := &ptsLog{pts: map[string][]int64{}, seen: map[string]time.Time{}}
	var c *gohlslib.Client
	c = &gohlslib.Client{
		URI:                       uri,
		OnDownloadPrimaryPlaylist: func(string) {}, OnDownloadStreamPlaylist: func(string) {},
		OnDownloadSegment: func(string) {}, OnDownloadPart: func(string) {},
		OnTracks: func(tracks []*gohlslib.Track) error {
			for _, tr := range tracks {
				switch tr.Codec.(type) {
				case *codecs.H264:
					c.OnDataH26x(tr, func(pts, _ int64, _ [][]byte) { log.add("video", pts) })
				case *codecs.MPEG4Audio:
					c.OnDataMPEG4Audio(tr, func(pts int64, _ [][]byte) { log.add("audio", pts) })
				}
			}
			return nil
		},
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return log
}

// TestBroadcastSwitchWhileReading switches the inputs of a live stream
// while gohlslib's client reads it: the client never stops receiving and
// timestamps keep increasing.
func TestBroadcastSwitchWhileReading(t *testing.T) {
	b, reg := startBroadcast(t)
	if err := b.StartStream(); err != nil {
		t.Fatal(err)
	}
	srv := serveRegistry(t, reg)
	log := readStream(t, srv.URL+"/live/main/index.m3u8")
	waitFor(t, "samples before the switch", func() bool { return log.count("video") > 30 && log.count("audio") > 30 })

	for i, sel := range []ingest.Selection{noInputs, testInputs, {Video: testInputs.Video, Audio: noInputs.Audio}} {
		before := log.count("video")
		switched := time.Now()
		if err := b.Select(sel); err != nil {
			t.Fatalf("switch %d: %v", i, err)
		}
		if st := b.Status(); st.Selection != sel || !st.Live {
			t.Fatalf("switch %d: status %+v", i, st)
		}
		waitFor(t, "samples after the switch", func() bool { return log.count("video") > before+30 })
		t.Logf("switch %d: 30 more frames at the client %v after the switch", i, time.Since(switched).Round(time.Millisecond))
	}
	log.mu.Lock()
	defer log.mu.Unlock()
	for track, pts := range log.pts {
		for i := 1; i < len(pts); i++ {
			if pts[i] <= pts[i-1] {
				t.Fatalf("%s PTS went from %d to %d", track, pts[i-1], pts[i])
			}
		}
	}
	if v, _ := b.air.pipeline.Status(); v.Kind != ingest.InputTest {
		t.Fatalf("video input is %+v after switching back", v)
	}
}

func TestBroadcastStopAndStart(t *testing.T) {
	b, reg := startBroadcast(t)
	srv := serveRegistry(t, reg)
	get := func() int {
		resp, err := http.Get(srv.URL + "/live/main/index.m3u8")
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := b.Status(); st.Live || st.Video.State != ingest.StateOff || get() != http.StatusNotFound {
		t.Fatalf("before StartStream: %+v", st)
	}
	for range 2 {
		if err := b.StartStream(); err != nil {
			t.Fatal(err)
		}
		if err := b.StartStream(); err != nil {
			t.Fatalf("second StartStream: %v", err)
		}
		waitFor(t, "the playlist", func() bool { return get() == http.StatusOK })
		waitFor(t, "health figures", func() bool { return b.Status().Health.FPSOut > 0 })
		st := b.Status()
		if !st.Live || st.Since.IsZero() || st.Video.State != ingest.StateOK || st.Audio.Name != "test tone" {
			t.Fatalf("live status %+v", st)
		}
		if err := b.StopStream(); err != nil {
			t.Fatal(err)
		}
		if st := b.Status(); st.Live || get() != http.StatusNotFound {
			t.Fatalf("after StopStream: %+v", st)
		}
	}
}

func TestBroadcastRejectsMissingDevice(t *testing.T) {
	b, _ := startBroadcast(t)
	camera := ingest.Selection{Video: ingest.Choice{Kind: ingest.InputDevice, Name: "C920"}, Audio: testInputs.Audio}
	// Offline the choice is checked; live it is opened. Both say why.
	for _, live := range []bool{false, true} {
		if live {
			if err := b.StartStream(); err != nil {
				t.Fatal(err)
			}
		}
		err := b.Select(camera)
		if !errors.Is(err, ingest.ErrNoDevice) {
			t.Fatalf("live %v: Select(missing camera) = %v, want ErrNoDevice", live, err)
		}
		if st := b.Status(); st.Selection != testInputs {
			t.Fatalf("live %v: a failed switch changed the selection to %+v", live, st.Selection)
		}
		if err := b.Select(ingest.Selection{Video: ingest.Choice{Kind: "webcam"}}); err == nil {
			t.Fatalf("live %v: unknown kind accepted", live)
		}
	}
}
