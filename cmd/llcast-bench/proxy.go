package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/llcast/llcast/cmd/internal/hlsload"
	"github.com/llcast/llcast/cmd/internal/nginxproc"
)

// proxyOptions are the flags of the proxy phase: llcast behind nginx with
// configs/nginx/llcast.conf, each way of handling blocking playlist
// requests (llcast-blocking=pass and =lock in the config), against llcast
// directly.
//
// Load: for each viewer count, that many followers (hlsload.Follower) watch for
// -proxy-duration; llcast's /metrics give what reached it: requests per
// part and per segment (1 means every viewer got it from nginx's cache),
// blocking playlist requests and auth subrequests per second. The viewers
// measure each part's delivery delay.
//
// Latency: the watch page in headless Chromium, through the same route,
// while -proxy-latency-viewers followers watch too (one viewer alone never
// waits for nginx's cache lock), sampled like the latency phase for
// -duration.
type proxyOptions struct {
	skip           *bool
	conf           *string
	viewers        *string
	duration       *time.Duration
	latencyViewers *int
}

func addProxyFlags(fs *flag.FlagSet) *proxyOptions {
	return &proxyOptions{
		skip:           fs.Bool("skip-proxy", false, "skip the nginx phase"),
		conf:           fs.String("nginx-conf", "configs/nginx/llcast.conf", "the nginx config `template` to measure"),
		viewers:        fs.String("proxy-viewers", "1,10,50", "viewer `counts` of the nginx phase"),
		duration:       fs.Duration("proxy-duration", 15*time.Second, "how long each viewer count watches"),
		latencyViewers: fs.Int("proxy-latency-viewers", 10, "viewers watching while latency is sampled behind nginx"),
	}
}

// route is how viewers reach llcast: directly, or through nginx with
// blocking playlist requests passed through or collapsed.
type route struct {
	name     string
	blocking string // "" for direct
}

var routes = []route{{"direct", ""}, {"nginx, pass", "pass"}, {"nginx, lock", "lock"}}

// run measures every route and prints the figures. It does nothing with
// -skip-proxy.
func (o *proxyOptions) run(ctx context.Context, out io.Writer, chromium, bin string, latencyDuration time.Duration) error {
	if *o.skip {
		return nil
	}
	counts, err := parseCounts("-proxy-viewers", *o.viewers)
	if err != nil {
		return err
	}
	nginxBin, err := nginxproc.Path()
	if err != nil {
		return fmt.Errorf("%w (or pass -skip-proxy)", err)
	}
	srv, session, err := startLoggedIn(ctx, bin)
	if err != nil {
		return err
	}
	defer srv.stop()

	var loads []*loadResult
	lats := map[string]*latencyResult{}
	for _, rt := range routes {
		base, stop := srv.URL, func() {}
		if rt.blocking != "" {
			ng := &nginxproc.Proxy{Bin: nginxBin, Config: nginxproc.Config{
				Template: *o.conf, Upstream: strings.TrimPrefix(srv.URL, "http://"), Blocking: rt.blocking,
			}}
			if err := ng.Start(ctx); err != nil {
				return err
			}
			base, stop = ng.URL, func() { _ = ng.Close() }
		}
		for _, n := range counts {
			l, err := runLoad(ctx, srv.URL, base, session, n, *o.duration)
			if err != nil {
				stop()
				return fmt.Errorf("%s, %d viewers: %w\nserver log (end):\n%s", rt.name, n, err, srv.logTail())
			}
			l.route = rt.name
			loads = append(loads, l)
		}
		lat, err := o.latency(ctx, chromium, srv, base, session, latencyDuration)
		stop()
		if err != nil {
			return fmt.Errorf("%s, latency: %w\nserver log (end):\n%s", rt.name, err, srv.logTail())
		}
		lats[rt.name] = lat
	}

	fmt.Fprintf(out, "\nbehind nginx (%s), %v per viewer count:\n", *o.conf, *o.duration)
	printLoads(out, loads)
	fmt.Fprintf(out, "\nlatency with %d other viewers watching (timestamp strip in Chromium):\n", *o.latencyViewers)
	for _, rt := range routes {
		fmt.Fprintf(out, "%s:\n", rt.name)
		lats[rt.name].print(out)
	}
	return nil
}

// latency samples the watch page at base while latencyViewers followers
// watch the same way.
func (o *proxyOptions) latency(ctx context.Context, chromium string, srv *server, base, session string, d time.Duration) (*latencyResult, error) {
	loadCtx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	client := sessionClient(base, session)
	for range *o.latencyViewers {
		f := &hlsload.Follower{Client: client, URL: base + "/live/main/index.m3u8"}
		wg.Go(func() { f.KeepRunning(loadCtx) })
	}
	defer func() { cancel(); wg.Wait(); client.CloseIdleConnections() }()
	tab, closeTab, err := openWatchPage(ctx, chromium, base, srv.password)
	if err != nil {
		return nil, err
	}
	defer closeTab()
	return measureLatency(tab, d)
}

// loginSession logs in as the bench user and returns the session cookie.
// startLoggedIn starts a server (see startServer) and logs in to it: the
// session cookie's value. The caller stops the server.
func startLoggedIn(ctx context.Context, bin string, wrap ...string) (*server, string, error) {
	srv, err := startServer(ctx, bin, wrap...)
	if err != nil {
		return nil, "", err
	}
	session, err := loginSession(ctx, srv.URL, srv.password)
	if err != nil {
		srv.stop()
		return nil, "", err
	}
	return srv, session, nil
}

func loginSession(ctx context.Context, base, password string) (string, error) {
	c := &http.Client{Timeout: 10 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}
	form := url.Values{"username": {"bench"}, "password": {password}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/login", strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := c.Do(req)
	if err != nil {
		return "", err
	}
	resp.Body.Close()
	for _, ck := range resp.Cookies() {
		if ck.Name == "jwt" && ck.Value != "" && resp.StatusCode == http.StatusSeeOther {
			return ck.Value, nil
		}
	}
	return "", fmt.Errorf("login: status %d and no session cookie", resp.StatusCode)
}

// sessionClient sends the session cookie to base, over a transport of its
// own.
func sessionClient(base, session string) *http.Client {
	return sessionClientVia(base, session, &http.Transport{MaxIdleConnsPerHost: 8, IdleConnTimeout: 30 * time.Second})
}

// sessionClientVia sends the session cookie to base over tr, which other
// clients may share.
func sessionClientVia(base, session string, tr http.RoundTripper) *http.Client {
	u, _ := url.Parse(base)
	jar, _ := cookiejar.New(nil)
	jar.SetCookies(u, []*http.Cookie{{Name: "jwt", Value: session}})
	return &http.Client{Jar: jar, Timeout: 10 * time.Second, Transport: tr}
}

// parseCounts reads a flag's comma-separated viewer counts, such as
// 1,10,50.
func parseCounts(flagName, list string) ([]int, error) {
	var counts []int
	for s := range strings.SplitSeq(list, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			return nil, fmt.Errorf("%s %q: want counts like 1,10,50", flagName, list)
		}
		counts = append(counts, n)
	}
	return counts, nil
}
