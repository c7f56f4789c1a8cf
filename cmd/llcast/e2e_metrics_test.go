package main

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2/pkg/playlist"
	dto "github.com/prometheus/client_model/go"
	"github.com/prometheus/common/expfmt"
	"github.com/prometheus/common/model"
)

// scrape reads /metrics at base as Prometheus does, with token as the
// bearer token (none when empty): the status and, on 200, the families.
func scrape(t *testing.T, base, token string) (int, map[string]*dto.MetricFamily) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, base+"/metrics", nil)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := (&http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return resp.StatusCode, nil
	}
	p := expfmt.NewTextParser(model.UTF8Validation)
	fams, err := p.TextToMetricFamilies(resp.Body)
	if err != nil {
		t.Fatalf("parsing /metrics: %v", err)
	}
	return resp.StatusCode, fams
}

// streamMetric is the metric of family name for stream main with the
// extra labels (name, value pairs), or nil.
func streamMetric(fams map[string]*dto.MetricFamily, name string, labels ...string) *dto.Metric {
	labels = append([]string{"stream", "main"}, labels...)
next:
	for _, m := range fams[name].GetMetric() {
		for i := 0; i+1 < len(labels); i += 2 {
			found := false
			for _, l := range m.GetLabel() {
				found = found || (l.GetName() == labels[i] && l.GetValue() == labels[i+1])
			}
			if !found {
				continue next
			}
		}
		return m
	}
	return nil
}

// fetchPart fetches a part of the video playlist at base as the session
// token's viewer.
func fetchPart(t *testing.T, base, token string) {
	t.Helper()
	resp, body := get(t, base+"/live/main/video.m3u8", token)
	var pl playlist.Media
	if err := pl.Unmarshal(body); err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("video playlist: %d %v\n%s", resp.StatusCode, err, body)
	}
	// The parts of the segment being written, or of the last one when
	// none is yet.
	parts := pl.Parts
	if n := len(pl.Segments); len(parts) == 0 && n > 0 {
		parts = pl.Segments[n-1].Parts
	}
	if len(parts) == 0 {
		t.Fatalf("no part in the video playlist:\n%s", body)
	}
	if resp := fetchWithCookie(t, base+"/live/main/"+parts[0].URI, token); resp.StatusCode != http.StatusOK {
		t.Fatalf("part %s: %d", parts[0].URI, resp.StatusCode)
	}
}

// TestMetricsScrapeWithToken: `llcast metrics-token` prints the token a
// real server made on its first start; Prometheus's text parser reads
// /metrics with it: the main stream live with its numbers, the part delay
// of the part a viewer fetched, the Go and process collectors. Without the
// token, or with a wrong or rotated one, 401.
func TestMetricsScrapeWithToken(t *testing.T) {
	srv := startServer(t)
	token := strings.TrimSpace(srv.cli(t, "", "metrics-token"))
	if len(token) < 26 {
		t.Fatalf("metrics-token printed %q", token)
	}
	if again := strings.TrimSpace(srv.cli(t, "", "metrics-token")); again != token {
		t.Fatalf("a second metrics-token printed another token")
	}
	fetchPart(t, srv.URL, srv.login(t))

	// The health of the local capture is sampled once a second.
	var fams map[string]*dto.MetricFamily
	deadline := time.Now().Add(15 * time.Second)
	for {
		var status int
		status, fams = scrape(t, srv.URL, token)
		if status != http.StatusOK {
			t.Fatalf("/metrics with the token: %d", status)
		}
		if streamMetric(fams, "llcast_stream_frames_per_second", "direction", "out").GetGauge().GetValue() > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("llcast_stream_frames_per_second{direction=\"out\"} of main stayed 0 for 15 s")
		}
		time.Sleep(100 * time.Millisecond)
	}
	gauge := func(name string, labels ...string) float64 {
		m := streamMetric(fams, name, labels...)
		if m == nil {
			t.Errorf("no %s%v for main", name, labels)
		}
		return m.GetGauge().GetValue()
	}
	if v := gauge("llcast_stream_live"); v != 1 {
		t.Errorf(`llcast_stream_live{stream="main"} %v, want 1`, v)
	}
	if v := gauge("llcast_stream_publisher_connected"); v != 1 {
		t.Errorf(`llcast_stream_publisher_connected{stream="main"} %v, want 1`, v)
	}
	if v := gauge("llcast_stream_viewers"); v != 1 {
		t.Errorf(`llcast_stream_viewers{stream="main"} %v, want 1`, v)
	}
	if v := gauge("llcast_stream_bitrate_bits_per_second", "media", "video"); v <= 0 {
		t.Errorf("video bitrate %v, want above 0", v)
	}
	if m := streamMetric(fams, "llcast_stream_dropped_samples_total"); m.GetCounter() == nil {
		t.Error("no dropped samples counter for main")
	}
	if n := streamMetric(fams, "llcast_stream_part_delay_seconds").GetHistogram().GetSampleCount(); n < 1 {
		t.Errorf("the part delay histogram of main has %d observations after a part was served", n)
	}
	for _, name := range []string{"go_goroutines", "process_resident_memory_bytes", "llcast_http_requests_total"} {
		if len(fams[name].GetMetric()) == 0 {
			t.Errorf("no %s", name)
		}
	}

	if status, _ := scrape(t, srv.URL, ""); status != http.StatusUnauthorized {
		t.Errorf("/metrics without a token: %d, want 401", status)
	}
	if status, _ := scrape(t, srv.URL, token[:len(token)-1]+"x"); status != http.StatusUnauthorized {
		t.Errorf("/metrics with a wrong token: %d, want 401", status)
	}
	rotated := strings.TrimSpace(srv.cli(t, "", "metrics-token", "--rotate"))
	if status, _ := scrape(t, srv.URL, token); status != http.StatusUnauthorized {
		t.Errorf("/metrics with the token rotated away: %d, want 401", status)
	}
	if status, _ := scrape(t, srv.URL, rotated); status != http.StatusOK {
		t.Errorf("/metrics with the rotated token: %d, want 200", status)
	}
	if strings.Contains(srv.logs.String(), token) || strings.Contains(srv.logs.String(), rotated) {
		t.Error("the server's log holds a metrics token")
	}
}
