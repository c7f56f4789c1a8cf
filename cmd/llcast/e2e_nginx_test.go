package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/llcast/llcast/cmd/internal/hlsload"
	"github.com/llcast/llcast/cmd/internal/nginxproc"
)

// TestE2ENginx puts Debian's nginx with configs/nginx/llcast.conf in front
// of llcast: viewers share nginx's cache while every request is still
// checked by llcast first, stream links play through it, and llcast sees
// the viewers' addresses.
func TestE2ENginx(t *testing.T) {
	ffmpeg, err := exec.LookPath("ffmpeg")
	if err != nil {
		t.Fatal("ffmpeg not found: install Debian's ffmpeg (CI does)")
	}
	conf := filepath.Join(t.TempDir(), "llcast.yml")
	if err := os.WriteFile(conf, []byte("http:\n  trusted_proxies: [\"127.0.0.1\"]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	srv := startServer(t, "--config", conf)
	ng := startNginx(t, strings.TrimPrefix(srv.URL, "http://"), "pass")
	addUser(t, srv.DataDir, adminUser, "admin", adminPassword)
	// The login form passes through nginx, cookie and cross-origin check
	// included.
	viewer := loginAt(t, ng.URL, testUser, testPassword)
	admin := loginAt(t, srv.URL, adminUser, adminPassword)

	t.Run("auth before cache", func(t *testing.T) { testNginxAuthBeforeCache(t, srv, ng, viewer) })
	t.Run("stream link", func(t *testing.T) {
		link, _ := makeLink(t, srv, "main")
		frames, secs := decodeWithFFmpeg(t, ffmpeg, srv, strings.Replace(link, srv.URL, ng.URL, 1))
		if frames < 90 || secs < 3 {
			t.Errorf("ffmpeg decoded %d frames and %.2f s of audio through nginx, want ≥ 90 and ≥ 3 s", frames, secs)
		}
		token := link[strings.Index(link, "token=")+len("token="):]
		if strings.Contains(ng.AccessLog(), token) || strings.Contains(srv.logs.String(), token) {
			t.Error("a link's token reached nginx's access log or llcast's log")
		}
	})
	t.Run("forwarded for", func(t *testing.T) { testNginxForwardedFor(t, srv, ng) })
	// Last: 30 viewers load this machine for a while after they stop.
	t.Run("viewers share the cache", func(t *testing.T) { testNginxViewers(t, srv, ng, viewer, admin) })
}

// TestNginxConfigChecks runs `nginx -t` on the shipped config with either
// way of handling blocking playlist requests: the one not shipped is only
// a comment in the file, and must stay valid.
func TestNginxConfigChecks(t *testing.T) {
	bin := nginxPath(t)
	for _, blocking := range []string{"pass", "lock"} {
		t.Run(blocking, func(t *testing.T) {
			dir := t.TempDir()
			conf := nginxConfig("127.0.0.1:1", "127.0.0.1:2", blocking)
			if err := conf.Write(dir); err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, bin, append([]string{"-t", "-q"}, conf.Args(dir, "")...)...).CombinedOutput()
			if err != nil {
				t.Fatalf("nginx -t: %v\n%s", err, out)
			}
		})
	}
}

// testNginxAuthBeforeCache: a segment nginx has cached is still 401 without
// a login, with a bad cookie, and with a link for another stream whose
// answer the auth cache holds.
func testNginxAuthBeforeCache(t *testing.T, srv *testServer, ng *nginxproc.Proxy, viewer string) {
	seg := liveSegment(t, ng.URL, viewer)
	for i, want := range []string{"MISS", "HIT"} {
		resp := fetchWithCookie(t, ng.URL+seg, viewer)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("X-Cache-Status") != want {
			t.Fatalf("fetch %d of %s with a login: %d %s, want 200 %s", i+1, seg, resp.StatusCode, resp.Header.Get("X-Cache-Status"), want)
		}
		if cc := resp.Header.Get("Cache-Control"); cc != "public, max-age=3600, immutable" {
			t.Errorf("segment Cache-Control %q", cc)
		}
	}
	// A link names a stream that exists.
	if err := run(context.Background(), []string{"stream", "add", "backstage", "--data", srv.DataDir}, nil, io.Discard, io.Discard); err != nil {
		t.Fatalf("llcast stream add: %v", err)
	}
	other, _ := makeLink(t, srv, "backstage")
	otherToken := other[strings.Index(other, "token=")+len("token="):]
	// Valid on its own stream: the auth cache now holds a 204 for it.
	if resp := fetchWithCookie(t, ng.URL+"/live/backstage/index.m3u8?token="+otherToken, ""); resp.StatusCode == http.StatusUnauthorized {
		t.Fatalf("a link on its own stream: 401")
	}
	for _, c := range []struct {
		name, target, cookie string
	}{
		{"no login", seg, ""},
		{"a forged cookie", seg, "eyJhbGciOiJIUzI1NiJ9.e30.forged"},
		{"a link for another stream", seg + "?token=" + otherToken, ""},
		{"a forged token", seg + "?token=forged", ""},
	} {
		resp := fetchWithCookie(t, ng.URL+c.target, c.cookie)
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("cached segment with %s: %d (cache %s), want 401", c.name, resp.StatusCode, resp.Header.Get("X-Cache-Status"))
		}
	}
	if resp := fetchWithCookie(t, ng.URL+"/auth/live", viewer); resp.StatusCode != http.StatusNotFound {
		t.Errorf("llcast's /auth/live through nginx: %d, want 404", resp.StatusCode)
	}
}

// testNginxViewers: 30 viewers (20 logged in, 10 on stream links) follow the
// stream through nginx for 20 s; llcast's /metrics show that it served each
// part and segment about once, and checked auth far less often than
// viewers asked.
func testNginxViewers(t *testing.T, srv *testServer, ng *nginxproc.Proxy, viewer, admin string) {
	// A viewer may hold 16 waiting requests (hls.max_waiting_per_client)
	// and a follower 2 or 3: five followers share a session or a link.
	sessions := []string{viewer, loginAt(t, ng.URL, testUser, testPassword),
		loginAt(t, ng.URL, testUser, testPassword), loginAt(t, ng.URL, testUser, testPassword)}
	var links []string
	for range 2 {
		link, _ := makeLink(t, srv, "main")
		links = append(links, strings.Replace(link, srv.URL, ng.URL, 1))
	}
	before := readMetrics(t, srv.URL, admin)

	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	followers := make([]*hlsload.Follower, 30)
	errs := make([]error, len(followers))
	var wg sync.WaitGroup
	for i := range followers {
		f := &hlsload.Follower{Client: viewerClient(t, ng.URL, sessions[i%4]), URL: ng.URL + "/live/main/index.m3u8"}
		if i%3 == 2 {
			f = &hlsload.Follower{Client: &http.Client{Timeout: 10 * time.Second}, URL: links[i%2]}
		}
		followers[i] = f
		wg.Go(func() { errs[i] = f.Run(ctx) })
	}
	wg.Wait()
	after := readMetrics(t, srv.URL, admin)

	requests := 0
	for i, f := range followers {
		st := f.Stats()
		if errs[i] != nil {
			t.Errorf("viewer %d: %v (errors by status: %v)", i, errs[i], st.StatusErrors)
		}
		// 2 tracks × 5 parts and 1 segment a second for 20 s: a quarter
		// of that at least, even with the race detector on a busy machine.
		if st.Parts < 50 || st.Segments < 10 {
			t.Errorf("viewer %d fetched %d parts and %d segments in 20 s, want ≥ 50 and ≥ 10", i, st.Parts, st.Segments)
		}
		requests += st.Parts + st.Segments + st.Playlists
	}
	delta := func(name, kind string) float64 {
		key := fmt.Sprintf("%s{kind=%q}", name, kind)
		return after[key] - before[key]
	}
	for _, kind := range []string{"part", "segment"} {
		reqs, files := delta("llcast_origin_requests_total", kind), delta("llcast_origin_files_total", kind)
		most := after[fmt.Sprintf("llcast_origin_file_requests_max{kind=%q}", kind)]
		// Files of the last minute, which holds the whole run: how many
		// llcast served at most twice.
		served := func(band string) float64 {
			return after[fmt.Sprintf("llcast_origin_recent_files{kind=%q,served=%q}", kind, band)]
		}
		atMostTwice := served("1") + served("2")
		recent := atMostTwice + served("3-4") + served("5-8") + served("9+")
		t.Logf("origin: %.0f %s requests for %.0f %ss (%.2f each); %.0f of %.0f served at most twice, none more than %.0f times",
			reqs, kind, files, kind, reqs/files, atMostTwice, recent, most)
		// About once each, where without the cache it would be 30 times.
		// A waiter for nginx's cache lock goes to llcast itself when the
		// part is not in the cache after 100 ms, which on a busy machine
		// with the race detector happens now and then to a whole herd:
		// hence the margins. make bench has the figures of a quiet run.
		if files < 20 || reqs/files > 3 || atMostTwice < 0.8*recent {
			t.Errorf("llcast served %.0f requests for %.0f %ss, and %.0f of %.0f at most twice; want about once each "+
				"(≤ 3 on average, 80 %% at most twice; 30 without the cache)", reqs, files, kind, atMostTwice, recent)
		}
	}
	auth := delta("llcast_origin_requests_total", "auth")
	t.Logf("origin: %.0f auth subrequests for %d viewer requests", auth, requests)
	if auth > float64(requests)/20 {
		t.Errorf("%.0f auth subrequests reached llcast for %d viewer requests: the auth cache does not work", auth, requests)
	}
}

// testNginxForwardedFor: llcast logs the address nginx saw (a client bound
// to 127.0.0.3), never nginx's own or what the client wrote into
// X-Forwarded-For.
func testNginxForwardedFor(t *testing.T, srv *testServer, ng *nginxproc.Proxy) {
	from := func(ip string) *http.Client {
		d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(ip)}, Timeout: 5 * time.Second}
		return &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DialContext: d.DialContext},
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	probe := "/xff-probe-" + rand.Text()
	req, _ := http.NewRequest(http.MethodGet, ng.URL+probe, nil)
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	resp, err := from("127.0.0.3").Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	line := logLine(srv.logs.String(), "path="+probe)
	if !strings.Contains(line, "remote=127.0.0.3") || strings.Contains(line, "198.51.100.7") {
		t.Errorf("llcast logged %q, want remote=127.0.0.3 (the viewer nginx saw)", line)
	}

	// A failed login through nginx: llcast logs (and limits logins by) the
	// viewer's address. (RealIP feeding the login limit: httpapi tests.)
	form := url.Values{"username": {testUser}, "password": {"wrong"}}
	req, _ = http.NewRequest(http.MethodPost, ng.URL+"/login", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-Forwarded-For", "198.51.100.7")
	slow := from("127.0.0.3")
	slow.Timeout = time.Minute // bcrypt on a busy machine
	if resp, err = slow.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if line := logLine(srv.logs.String(), "login failed"); resp.StatusCode != http.StatusUnauthorized ||
		!strings.Contains(line, "remote=127.0.0.3") || strings.Contains(line, "198.51.100.7") {
		t.Errorf("wrong password through nginx: %d, llcast logged %q, want 401 and remote=127.0.0.3", resp.StatusCode, line)
	}
}
