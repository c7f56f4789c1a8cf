package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestOriginKind(t *testing.T) {
	for _, c := range []struct {
		target, kind, file string
	}{
		{"/live/main/index.m3u8", "playlist", "/live/main/index.m3u8"},
		{"/live/main/video.m3u8?token=T", "playlist", "/live/main/video.m3u8"},
		{"/live/main/video.m3u8?_HLS_msn=7&_HLS_part=2&token=T", "blocking_playlist",
			"/live/main/video.m3u8?msn=7&part=2&skip="},
		{"/live/main/video.m3u8?_HLS_msn=7&_HLS_part=2&_HLS_skip=YES", "blocking_playlist",
			"/live/main/video.m3u8?msn=7&part=2&skip=YES"},
		{"/live/main/0a1b2c_video_init.mp4", "init", "/live/main/0a1b2c_video_init.mp4"},
		{"/live/main/0a1b2c_video_p12.mp4?token=T", "part", "/live/main/0a1b2c_video_p12.mp4"},
		{"/live/main/0a1b2c_video_3.mp4", "segment", "/live/main/0a1b2c_video_3.mp4"},
		{"/live/main/legacy/0a1b2c_stream_3.ts", "segment", "/live/main/legacy/0a1b2c_stream_3.ts"},
		{"/live/main/gap.mp4", "other", "/live/main/gap.mp4"},
		{"/auth/live", "auth", ""},
	} {
		kind, file := originKind(httptest.NewRequest(http.MethodGet, c.target, nil))
		if kind != c.kind || file != c.file {
			t.Errorf("%s: %s %q, want %s %q", c.target, kind, file, c.kind, c.file)
		}
	}
}

func TestOriginCounter(t *testing.T) {
	now := time.Unix(1000, 0)
	c := &OriginCounter{now: func() time.Time { return now }}
	status := http.StatusOK
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.WriteHeader(status)
	}))
	get := func(target string) {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, target, nil))
	}
	get("/live/main/p_video_p1.mp4")
	get("/live/main/p_video_p1.mp4?token=T") // the same file for a link
	get("/live/main/p_video_p2.mp4")
	get("/auth/live")
	status = http.StatusNotFound
	get("/live/main/p_video_p3.mp4") // not served: not counted

	status = http.StatusOK
	now = now.Add(2 * originForget)
	get("/live/main/p_video_p4.mp4") // forgets parts 1 and 2
	get("/live/main/p_video_p4.mp4")
	get("/live/main/p_video_p5.mp4")
	c.mu.Lock()
	files := len(c.files)
	c.mu.Unlock()
	if files != 2 {
		t.Errorf("%d files remembered after a minute, want 2", files)
	}

	text := collectText(t, c)
	for _, want := range []string{
		`llcast_origin_requests_total{kind="part"} 6`,
		`llcast_origin_requests_total{kind="auth"} 1`,
		`llcast_origin_requests_total{kind="segment"} 0`,
		`llcast_origin_files_total{kind="part"} 4`,
		`llcast_origin_file_requests_max{kind="part"} 2`,
		// Parts 4 (twice) and 5 (once) are of the last minute.
		`llcast_origin_recent_files{kind="part",served="1"} 1`,
		`llcast_origin_recent_files{kind="part",served="2"} 1`,
		`llcast_origin_recent_files{kind="part",served="3-4"} 0`,
		`llcast_origin_recent_files{kind="part",served="9+"} 0`,
		`llcast_origin_recent_files{kind="segment",served="1"} 0`,
		"# TYPE llcast_origin_requests_total counter",
		"# TYPE llcast_origin_file_requests_max gauge",
	} {
		if !strings.Contains(text, want+"\n") {
			t.Errorf("metrics lack %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{`llcast_origin_files_total{kind="auth"}`, `le="`} {
		if strings.Contains(text, unwanted) {
			t.Errorf("metrics have %q:\n%s", unwanted, text)
		}
	}
}

// TestOriginCounterBands: a file lands in the one band of
// llcast_origin_recent_files that holds its count.
func TestOriginCounterBands(t *testing.T) {
	c := &OriginCounter{}
	h := c.Handler(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(http.StatusOK) }))
	for n, name := range []string{"p_video_p1.mp4", "p_video_p2.mp4", "p_video_p3.mp4", "p_video_p4.mp4", "p_video_p5.mp4"} {
		for range []int{1, 2, 4, 5, 9}[n] {
			h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/live/main/"+name, nil))
		}
	}
	text := collectText(t, c)
	for _, band := range []string{"1", "2", "3-4", "5-8", "9+"} {
		if want := `llcast_origin_recent_files{kind="part",served="` + band + `"} 1` + "\n"; !strings.Contains(text, want) {
			t.Fatalf("metrics lack %q:\n%s", want, text)
		}
	}
}
