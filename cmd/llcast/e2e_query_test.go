package main

import (
	"bufio"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// uriPattern finds the URIs of a playlist: URI="…" attributes and the
// lines that are not tags.
var uriPattern = regexp.MustCompile(`(?m)URI="([^"]*)"|^([^#\n][^\n]*)$`)

// TestE2EJunkQueryCarriesOnlyToken: whatever else a stream link's URL
// carries, the URIs of the playlists carry its token and nothing more.
func TestE2EJunkQueryCarriesOnlyToken(t *testing.T) {
	srv := startServer(t)
	link, _ := makeLink(t, srv, "main")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	token := u.Query().Get("token")
	junk := "&x=" + strings.Repeat("j", 2000) + "&_HLS_foo=1&tok=en&token2=x&a=%00%0A"
	get := func(name string) string {
		t.Helper()
		resp, err := http.Get(srv.URL + "/live/main/" + name + "?token=" + token + junk)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("GET %s with junk: %d %s", name, resp.StatusCode, body)
		}
		return string(body)
	}
	deadline := time.Now().Add(20 * time.Second)
	mv := get("index.m3u8")
	var media []string
	for _, m := range uriPattern.FindAllStringSubmatch(mv, -1) {
		media = append(media, m[1]+m[2])
	}
	for _, uri := range media {
		name, query, _ := strings.Cut(uri, "?")
		if query != "token="+token {
			t.Errorf("index.m3u8 lists %q: want %s?token=<the token> and nothing else", uri, name)
		}
		// Wait for the media playlist to list parts, rendition reports
		// and a preload hint, then check every URI in it.
		for {
			text := get(name)
			uris := uriPattern.FindAllStringSubmatch(text, -1)
			if strings.Contains(text, "#EXT-X-RENDITION-REPORT") || time.Now().After(deadline) {
				for _, m := range uris {
					if _, q, _ := strings.Cut(m[1]+m[2], "?"); q != "token="+token {
						t.Errorf("%s lists %q: want only ?token=<the token>", name, m[1]+m[2])
					}
				}
				if len(uris) < 5 {
					t.Errorf("%s lists only %d URIs:\n%s", name, len(uris), text)
				}
				break
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	if len(media) < 2 {
		t.Fatalf("index.m3u8 lists %d media playlists, want video and audio:\n%s", len(media), mv)
	}
}

// TestE2ELongURLs: a URL over MaxURLLength is refused with 414 (or 431
// by net/http, past its header limit), and 20 requests of 1 MB at once
// leave the server's memory where it was.
func TestE2ELongURLs(t *testing.T) {
	srv := startServer(t)
	link, _ := makeLink(t, srv, "main")
	if got := status(t, link+"&x="+strings.Repeat("a", 5000)); got != http.StatusRequestURITooLong {
		t.Errorf("a 5 KB URL: %d, want 414", got)
	}
	heap := func() uint64 {
		var m runtime.MemStats
		runtime.ReadMemStats(&m)
		return m.HeapInuse
	}
	runtime.GC()
	before := heap()
	// The peak counts, not what is left after: a request's garbage is
	// memory the machine had to have.
	peak := before
	sampled := make(chan struct{})
	stop := make(chan struct{})
	go func() {
		defer close(sampled)
		for {
			peak = max(peak, heap())
			select {
			case <-stop:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	// Raw requests from one buffer: an http.Client would copy the URL
	// for each, and the test would measure itself.
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	target := u.RequestURI() + "&x=" + strings.Repeat("a", 1<<20)
	raw := []byte("GET " + target + " HTTP/1.1\r\nHost: " + u.Host + "\r\nConnection: close\r\n\r\n")
	var wg sync.WaitGroup
	codes := make([]int, 20)
	for i := range codes {
		wg.Go(func() {
			conn, err := net.Dial("tcp", u.Host)
			if err != nil {
				t.Error(err)
				return
			}
			defer conn.Close()
			// The server may answer and close before reading it all.
			go func() { _, _ = conn.Write(raw) }()
			resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
			if err != nil {
				t.Error(err)
				return
			}
			resp.Body.Close()
			codes[i] = resp.StatusCode
		})
	}
	wg.Wait()
	close(stop)
	<-sampled
	for _, c := range codes {
		if c != http.StatusRequestURITooLong && c != http.StatusRequestHeaderFieldsTooLarge {
			t.Fatalf("1 MB URLs answered %v, want 414 (or 431)", codes)
		}
	}
	// The client's share is the one 1 MB request. Before, each such
	// request made a playlist of 23 MB.
	const margin = 16 << 20
	t.Logf("heap in use: %d MiB before, %d MiB at the peak", before>>20, peak>>20)
	if peak > before+margin {
		t.Errorf("heap in use went from %d MiB to %d MiB with 20 URLs of 1 MB", before>>20, peak>>20)
	}
}
