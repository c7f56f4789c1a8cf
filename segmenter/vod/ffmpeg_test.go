package vod

import (
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// mount serves p the way the server does, under /live/film/, through a
// real HTTP server, and returns the folder's URL.
func mount(t *testing.T, p *Playlist) string {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("/live/film/", p)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL + "/live/film/"
}

// probe counts the frames ffprobe decodes from a playlist, by kind.
func probe(t *testing.T, url string) map[string]int {
	t.Helper()
	out, err := run(t, "ffprobe", "-v", "error", "-count_frames",
		"-show_entries", "stream=codec_type,nb_read_frames", "-of", "csv=p=0", url)
	if err != nil {
		t.Fatalf("ffprobe: %v\n%s", err, out)
	}
	counts := map[string]int{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		kind, n, _ := strings.Cut(line, ",")
		counts[kind], _ = strconv.Atoi(n)
	}
	return counts
}

// ffmpeg reads the playlist through a real HTTP server: the whole of it,
// and, the way a player starts after a seek, the initialization section
// followed by one segment from the middle.
func TestFFmpeg(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 7, "-f", "mp4"))
	base := mount(t, p)

	counts := probe(t, base+"index.m3u8?token=t1")
	if counts["video"] != 210 {
		t.Errorf("ffprobe decoded %d video frames, want 210", counts["video"])
	}
	if n := counts["audio"]; n < 325 || n > 332 {
		t.Errorf("ffprobe decoded %d audio frames, want about 328", n)
	}

	// Segment 2 starts at the keyframe at 4.07 s and holds 2 s of video.
	out, err := run(t, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-stats",
		"-protocol_whitelist", "concat,http,tcp", "-i", "concat:"+base+"init.mp4|"+base+"seg2.mp4", "-f", "null", "-")
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	if n := lastFrame(out); n != 60 {
		t.Errorf("ffmpeg decoded %d frames of segment 2, want 60:\n%s", n, out)
	}
	if strings.Contains(string(out), "error") || strings.Contains(string(out), "Invalid") {
		t.Errorf("ffmpeg complained:\n%s", out)
	}

	// Starting 2 s in (decoding from the start and dropping what comes
	// before: ffmpeg 5.1 cannot seek its HLS input with fMP4 segments, not
	// even in the ones it writes itself).
	out, err = run(t, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-stats",
		"-i", base+"index.m3u8", "-ss", "2", "-f", "null", "-")
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	if n := lastFrame(out); n < 148 || n > 152 {
		t.Errorf("ffmpeg decoded %d frames after 2 s, want 150:\n%s", n, out)
	}
}

// ffmpeg reads the legacy playlist whole, and seeks in it: with MPEG-TS
// segments it can start 4 s in, which it cannot with fMP4.
func TestFFmpegLegacy(t *testing.T) {
	p := start(t, media(t, "clip.mp4", 7, "-f", "mp4"))
	base := mount(t, p) + "legacy/"

	counts := probe(t, base+"index.m3u8?token=t1")
	if v, a := len(p.f.Index(0)), len(p.f.Index(1)); counts["video"] != v || counts["audio"] != a {
		t.Errorf("ffprobe decoded %d video and %d audio frames, want the file's %d and %d", counts["video"], counts["audio"], v, a)
	}

	out, err := run(t, "ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-stats",
		"-ss", "4", "-i", base+"index.m3u8", "-f", "null", "-")
	if err != nil {
		t.Fatalf("ffmpeg: %v\n%s", err, out)
	}
	// ffmpeg starts at the first keyframe from 4 s on: at most a second
	// (30 pictures, a keyframe every second) after.
	after := 0
	for _, e := range p.f.Index(0) {
		if e.PTS >= 4*90000 {
			after++
		}
	}
	if n := lastFrame(out); n <= after-30 || n > after {
		t.Errorf("ffmpeg decoded %d frames from 4 s on, want %d at most and over %d:\n%s", n, after, after-30, out)
	}
	if strings.Contains(string(out), "error") || strings.Contains(string(out), "Invalid") {
		t.Errorf("ffmpeg complained:\n%s", out)
	}
}

var frameStat = regexp.MustCompile(`frame=\s*(\d+)`)

// lastFrame returns the frame count of ffmpeg's last progress line.
func lastFrame(out []byte) int {
	m := frameStat.FindAllSubmatch(out, -1)
	if len(m) == 0 {
		return -1
	}
	n, _ := strconv.Atoi(string(m[len(m)-1][1]))
	return n
}
