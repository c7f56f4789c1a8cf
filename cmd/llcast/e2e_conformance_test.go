package main

import (
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/configs"
)

// TestE2EConformance checks the live LL-HLS stream against RFC 8216bis and
// Apple's HLS authoring specification.
func TestE2EConformance(t *testing.T) {
	srv := startServer(t)
	client := srv.sessionClient(t)
	uri := srv.URL + "/live/main/index.m3u8"
	waitSteady(t, client, uri)
	video := configs.Default().Video
	r := checkConformance(t, client, uri, hlsWant{
		LowLatency: true, Width: video.Width, Height: video.Height, FPS: float64(video.FPS),
	})
	if testing.Verbose() && !t.Failed() {
		t.Logf("checked:\n%s", r)
	}
}

// TestConformanceCheckerCatches breaks the live playlists on their way to
// the checker, one rule at a time, and expects the finding that says so.
func TestConformanceCheckerCatches(t *testing.T) {
	srv := startServer(t)
	client := srv.sessionClient(t)
	waitSteady(t, client, srv.URL+"/live/main/index.m3u8")
	inspect := func(t *testing.T, edit func(string) string) *hlsReport {
		proxy := httptest.NewServer(rewritePlaylists(client, srv.URL, edit))
		defer proxy.Close()
		return inspectHLS(t.Context(), proxy.Client(), proxy.URL+"/live/main/index.m3u8", hlsWant{LowLatency: true})
	}
	clean := inspect(t, func(s string) string { return s })

	for _, b := range []struct {
		pattern, repl string
		rule, says    string // the finding expected, and part of its text
	}{
		{`avc1\.[0-9a-f]{6}`, "avc1.42c01e", "codecs", "lacks avc1."},
		{`FRAME-RATE=[0-9.]+`, "FRAME-RATE=25.000", "frame-rate", "FRAME-RATE=25.000"},
		{`RESOLUTION=\d+x\d+`, "RESOLUTION=1920x1080", "resolution", "RESOLUTION=1920x1080"},
		{`([,:])BANDWIDTH=\d+`, "${1}BANDWIDTH=1000", "bandwidth", "BANDWIDTH=1000 is below"},
		{`AUDIO="[^"]*"`, `AUDIO="nowhere"`, "audio-group", `AUDIO="nowhere"`},
		{`#EXT-X-INDEPENDENT-SEGMENTS\n`, "", "independent-segments", "neither it nor"},
		{`#EXT-X-VERSION:\d+`, "#EXT-X-VERSION:3", "version", "declares 3"},
		{`#EXTINF:1\.0`, "#EXTINF:1.6", "target-duration", "more than EXT-X-TARGETDURATION"},
		{`CAN-BLOCK-RELOAD=YES`, "CAN-BLOCK-RELOAD=NO", "server-control", "lacks CAN-BLOCK-RELOAD=YES"},
		{`PART-HOLD-BACK=[0-9.]+`, "PART-HOLD-BACK=0.1", "part-hold-back", "less than 2 ×"},
		{`PART-TARGET=[0-9.]+`, "PART-TARGET=0.1", "part-duration", "more than PART-TARGET"},
		{`#EXT-X-PRELOAD-HINT:[^\n]*\n`, "", "preload-hint", "no EXT-X-PRELOAD-HINT"},
		{`#EXT-X-PROGRAM-DATE-TIME:[^\n]*\n`, "", "program-date-time", "no EXT-X-PROGRAM-DATE-TIME"},
	} {
		t.Run(b.rule, func(t *testing.T) {
			t.Parallel()
			says := func(r *hlsReport) bool {
				return slices.ContainsFunc(r.Findings, func(f hlsFinding) bool {
					return f.Rule == b.rule && strings.Contains(f.Text, b.says)
				})
			}
			if says(clean) {
				t.Fatalf("the unbroken stream already has a %s finding saying %q:\n%s", b.rule, b.says, clean)
			}
			re := regexp.MustCompile(b.pattern)
			if r := inspect(t, func(s string) string { return re.ReplaceAllString(s, b.repl) }); !says(r) {
				t.Errorf("replacing %q by %q was not reported as %s (%q):\n%s", b.pattern, b.repl, b.rule, b.says, r)
			}
		})
	}
}

// TestConformanceCheckerReadsTS runs the checker on an MPEG-TS stream made
// by ffmpeg: it must read codecs and bit rates from the segments and find
// what ffmpeg leaves out.
func TestConformanceCheckerReadsTS(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	dir := t.TempDir()
	cmd := exec.Command(ffmpeg, "-v", "error", "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30",
		"-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "8",
		"-c:v", "libx264", "-profile:v", "high", "-g", "30", "-sc_threshold", "0", "-pix_fmt", "yuv420p",
		"-c:a", "aac", "-f", "hls", "-hls_time", "1", "-hls_playlist_type", "vod",
		"-hls_flags", "independent_segments+program_date_time", "-master_pl_name", "index.m3u8",
		filepath.Join(dir, "stream.m3u8"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	srv := httptest.NewServer(http.FileServer(http.Dir(dir)))
	defer srv.Close()

	r := inspectHLS(t.Context(), srv.Client(), srv.URL+"/index.m3u8", hlsWant{Width: 640, Height: 360, FPS: 30})
	for _, rule := range []string{"fetch", "parse", "media", "codecs", "resolution", "segment-idr", "extinf"} {
		if r.broken(rule) {
			t.Errorf("unexpected %s finding:\n%s", rule, r)
		}
	}
	// ffmpeg writes neither AVERAGE-BANDWIDTH nor FRAME-RATE, and a
	// BANDWIDTH below what its segments need.
	for _, rule := range []string{"stream-inf", "frame-rate", "bandwidth"} {
		if !r.broken(rule) {
			t.Errorf("no %s finding:\n%s", rule, r)
		}
	}
}

// rewritePlaylists forwards requests to origin with client and passes
// playlists through edit.
func rewritePlaylists(client *http.Client, origin string, edit func(string) string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		req, err := http.NewRequestWithContext(r.Context(), r.Method, origin+r.URL.RequestURI(), nil)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		resp, err := client.Do(req)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if strings.HasSuffix(r.URL.Path, ".m3u8") {
			body = []byte(edit(string(body)))
		}
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = w.Write(body)
	})
}

// sessionClient returns a client that carries a logged-in session cookie.
func (s *testServer) sessionClient(t *testing.T) *http.Client {
	t.Helper()
	token := s.login(t)
	u, _ := url.Parse(s.URL)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: "jwt", Value: token}})
	return &http.Client{Jar: jar, Timeout: 15 * time.Second}
}

// waitSteady waits until the first media playlist of the stream has
// filled a live window: six segments (Apple's minimum), none of them an
// EXT-X-GAP placeholder.
func waitSteady(t *testing.T, client *http.Client, uri string) {
	t.Helper()
	deadline := time.Now().Add(45 * time.Second)
	media := ""
	for time.Now().Before(deadline) {
		target := uri
		if media != "" {
			target = media
		}
		resp, err := client.Get(target)
		if err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			text := string(body)
			switch {
			case resp.StatusCode != http.StatusOK:
			case media == "" && !strings.Contains(text, "#EXTINF:"):
				for _, l := range hlsLines(text) {
					if l != "" && !strings.HasPrefix(l, "#") {
						base, _ := url.Parse(uri)
						media = hlsResolve(base, l).String()
						break
					}
				}
			case strings.Count(text, "#EXTINF:") >= 6 && !strings.Contains(text, "#EXT-X-GAP"):
				return
			}
		}
		time.Sleep(500 * time.Millisecond)
	}
	t.Fatalf("%s did not fill a window of six segments within 45 s", uri)
}

// TestE2EConformanceLegacy checks the legacy MPEG-TS rendition the same
// way, by the rules for plain (not low-latency) HLS.
func TestE2EConformanceLegacy(t *testing.T) {
	srv := startServer(t)
	client := srv.sessionClient(t)
	uri := srv.URL + "/live/main/legacy/index.m3u8"
	waitSteady(t, client, uri)
	video := configs.Default().Video
	r := checkConformance(t, client, uri, hlsWant{Width: video.Width, Height: video.Height, FPS: float64(video.FPS)})
	if testing.Verbose() && !t.Failed() {
		t.Logf("checked:\n%s", r)
	}
}
