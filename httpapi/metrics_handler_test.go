package httpapi

import (
	"bytes"
	"net/http"
	"path"
	"path/filepath"
	"testing"
	"time"

	"github.com/llcast/llcast/segmenter"
	"github.com/llcast/llcast/segmenter/llhls"
)

// delayedStreams are liveStreams whose parts, when served, report being
// 150 ms late to delays, as a segmenter.Stream would.
type delayedStreams struct {
	liveStreams
	delays *PartDelays
}

func (d delayedStreams) Handler(name string) (http.Handler, bool) {
	h, ok := d.liveStreams.Handler(name)
	if !ok {
		return nil, false
	}
	late := d.delays.PartDelay(name)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if llhls.Kind(path.Base(r.URL.Path)) == "part" {
			late(150 * time.Millisecond)
		}
		h.ServeHTTP(w, r)
	}), true
}

// metricsEnv is a server with the three streams of threeStreams: main
// captured here, stage pushed over RTMP, film a file on demand.
func metricsEnv(t *testing.T) (*testEnv, *MetricsToken) {
	t.Helper()
	token := &MetricsToken{Path: filepath.Join(t.TempDir(), MetricsTokenFile)}
	if err := token.Start(); err != nil {
		t.Fatal(err)
	}
	delays := &PartDelays{}
	studio := &fakeStudio{status: func() segmenter.BroadcastStatus {
		return segmenter.BroadcastStatus{Live: true, Stream: "main", Health: segmenter.Health{
			FPSIn: 29.5, FPSOut: 30, VideoKbps: 2500, AudioKbps: 128, Dropped: 3,
		}}
	}}
	pubs := &fakePublishers{publisher: func(stream string) (segmenter.PublisherStatus, bool) {
		if stream != "stage" {
			return segmenter.PublisherStatus{}, false
		}
		return segmenter.PublisherStatus{
			Live: true, Connected: true, Protocol: "rtmp", Bitrate: 4_096_000, VideoBitrate: 4_000_000,
			AudioBitrate: 96_000, FPS: 60, FPSOut: 59, Dropped: 7,
		}, true
	}}
	env, store := newStreamServer(t, func(s *Server) {
		s.Studio, s.Publishers, s.PartDelays, s.MetricsToken = studio, pubs, delays, token
		s.Streams = delayedStreams{liveStreams{"main": true, "stage": true, "film": true}, delays}
	})
	threeStreams(t, store)
	return env, token
}

func bearer(token string) map[string]string {
	return map[string]string{"Authorization": "Bearer " + token}
}

// TestMetricsFamilies scrapes as Prometheus would and parses the answer:
// the Go and process collectors, each stream's state, the part delays of
// media served, the requests by class, and what reached the origin.
func TestMetricsFamilies(t *testing.T) {
	env, token := metricsEnv(t)
	good, err := LoadOrCreateMetricsToken(token.Path)
	if err != nil {
		t.Fatal(err)
	}
	viewer := sessionFor(t, env, "alice", RoleViewer)
	for _, p := range []string{"/live/main/p_video_p1.mp4", "/live/main/p_video_p2.mp4", "/live/main/p_video_3.mp4"} {
		if r := env.do(t, http.MethodGet, p, viewer, nil, nil); r.status != 200 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	env.do(t, http.MethodGet, "/metrics", nil, nil, nil) // a 401

	r := env.do(t, http.MethodGet, "/metrics", nil, nil, bearer(good))
	if r.status != 200 {
		t.Fatalf("/metrics: %d %s", r.status, r.body)
	}
	fams := parseMetrics(t, bytes.NewReader(r.body))
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "process_cpu_seconds_total"} {
		if v, ok := metricValue(fams, name); !ok || v <= 0 {
			t.Errorf("%s: %v %v, want a positive value", name, v, ok)
		}
	}
	for _, c := range []struct {
		name   string
		labels []string
		want   float64
	}{
		{"llcast_stream_live", []string{"stream", "main"}, 1},
		{"llcast_stream_live", []string{"stream", "stage"}, 1},
		{"llcast_stream_live", []string{"stream", "film"}, 1},
		{"llcast_stream_viewers", []string{"stream", "main"}, 1},
		{"llcast_stream_viewers", []string{"stream", "stage"}, 0},
		{"llcast_stream_publisher_connected", []string{"stream", "main"}, 1},
		{"llcast_stream_publisher_connected", []string{"stream", "stage"}, 1},
		{"llcast_stream_publisher_connected", []string{"stream", "film"}, 0},
		{"llcast_stream_frames_per_second", []string{"stream", "main", "direction", "in"}, 29.5},
		{"llcast_stream_frames_per_second", []string{"stream", "main", "direction", "out"}, 30},
		{"llcast_stream_frames_per_second", []string{"stream", "stage", "direction", "in"}, 60},
		{"llcast_stream_frames_per_second", []string{"stream", "stage", "direction", "out"}, 59},
		{"llcast_stream_bitrate_bits_per_second", []string{"stream", "main", "media", "video"}, 2_500_000},
		{"llcast_stream_bitrate_bits_per_second", []string{"stream", "main", "media", "audio"}, 128_000},
		{"llcast_stream_bitrate_bits_per_second", []string{"stream", "stage", "media", "video"}, 4_000_000},
		{"llcast_stream_bitrate_bits_per_second", []string{"stream", "stage", "media", "audio"}, 96_000},
		{"llcast_stream_dropped_samples_total", []string{"stream", "main"}, 3},
		{"llcast_stream_dropped_samples_total", []string{"stream", "stage"}, 7},
		{"llcast_viewers", nil, 1},
		{"llcast_origin_requests_total", []string{"kind", "part"}, 2},
		{"llcast_origin_requests_total", []string{"kind", "segment"}, 1},
		{"llcast_http_requests_total", []string{"class", "part", "code", "2xx"}, 2},
		{"llcast_http_requests_total", []string{"class", "segment", "code", "2xx"}, 1},
		{"llcast_http_requests_total", []string{"class", "metrics", "code", "4xx"}, 1},
	} {
		if got, ok := metricValue(fams, c.name, c.labels...); !ok || got != c.want {
			t.Errorf("%s%v: %v (present %v), want %v", c.name, c.labels, got, ok, c.want)
		}
	}
	for _, f := range []string{"llcast_stream_dropped_samples_total", "llcast_http_requests_total", "llcast_origin_requests_total"} {
		if got := fams[f].GetType().String(); got != "COUNTER" {
			t.Errorf("%s is a %s, want a counter", f, got)
		}
	}

	h := metricWith(fams["llcast_stream_part_delay_seconds"], "stream", "main").GetHistogram()
	if h.GetSampleCount() != 2 || h.GetSampleSum() < 0.29 || h.GetSampleSum() > 0.31 {
		t.Errorf("part delays of main: %d observations summing to %v s, want 2 and 0.3 s", h.GetSampleCount(), h.GetSampleSum())
	}
	for _, b := range h.GetBucket() {
		if want := uint64(0); b.GetUpperBound() >= 0.15 {
			want = 2
			if b.GetCumulativeCount() != want {
				t.Errorf("bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
			}
		} else if b.GetCumulativeCount() != want {
			t.Errorf("bucket le=%v holds %d, want %d", b.GetUpperBound(), b.GetCumulativeCount(), want)
		}
	}

	// Only histograms have buckets: no other family carries le.
	for name, f := range fams {
		if f.GetType().String() == "HISTOGRAM" {
			continue
		}
		for _, m := range f.GetMetric() {
			for _, l := range m.GetLabel() {
				if l.GetName() == "le" {
					t.Errorf("%s, a %s, has an le label", name, f.GetType())
				}
			}
		}
	}
}

// TestMetricsForgetRemovedStreams: a stream removed from the store
// leaves /metrics, its part delays too.
func TestMetricsForgetRemovedStreams(t *testing.T) {
	env, token := metricsEnv(t)
	good, _ := LoadOrCreateMetricsToken(token.Path)
	viewer := sessionFor(t, env, "alice", RoleViewer)
	env.do(t, http.MethodGet, "/live/film/p_video_p1.mp4", viewer, nil, nil)
	scrape := func() map[string]bool {
		r := env.do(t, http.MethodGet, "/metrics", nil, nil, bearer(good))
		fams := parseMetrics(t, bytes.NewReader(r.body))
		return map[string]bool{
			"live":   metricWith(fams["llcast_stream_live"], "stream", "film") != nil,
			"delays": metricWith(fams["llcast_stream_part_delay_seconds"], "stream", "film") != nil,
		}
	}
	if got := scrape(); !got["live"] || !got["delays"] {
		t.Fatalf("film before removal: %v, want both", got)
	}
	if _, err := env.srv.StreamStore.Remove("film"); err != nil {
		t.Fatal(err)
	}
	if got := scrape(); got["live"] || got["delays"] {
		t.Errorf("film after removal: %v, want neither", got)
	}
}
