package main

import (
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/bluenviron/gohlslib/v2"
	"github.com/bluenviron/gohlslib/v2/pkg/codecs"

	"github.com/llcast/llcast/httpapi"
)

// TestE2ETLSSelfSigned serves HTTPS with the self-signed certificate: a
// client that trusts it negotiates HTTP/2, gets a Secure cookie and plays
// the stream with gohlslib's client.
func TestE2ETLSSelfSigned(t *testing.T) {
	srv := startServer(t, "--tls", "self-signed")
	if !strings.HasPrefix(srv.URL, "https://") {
		t.Fatalf("serve printed %s, want an https URL", srv.URL)
	}
	pemBytes, err := os.ReadFile(filepath.Join(srv.DataDir, httpapi.SelfSignedCertFile))
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	if !roots.AppendCertsFromPEM(pemBytes) {
		t.Fatal("the certificate file holds no certificate")
	}
	cert, err := tls.LoadX509KeyPair(filepath.Join(srv.DataDir, httpapi.SelfSignedCertFile),
		filepath.Join(srv.DataDir, httpapi.SelfSignedKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	fp := httpapi.Fingerprint(cert)
	for deadline := time.Now().Add(5 * time.Second); !strings.Contains(srv.stdout.String(), fp); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("serve did not print the fingerprint %s:\n%s", fp, srv.stdout)
		}
	}

	jar, _ := cookiejar.New(nil)
	client := &http.Client{
		Jar: jar, Timeout: 10 * time.Second,
		Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true},
	}
	login := *client
	login.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := login.PostForm(srv.URL+"/login", url.Values{"username": {testUser}, "password": {testPassword}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.ProtoMajor != 2 {
		t.Errorf("negotiated %s, want HTTP/2", resp.Proto)
	}
	secure := false
	for _, c := range resp.Cookies() {
		if c.Name == httpapi.CookieName && c.Value != "" {
			secure = c.Secure
		}
	}
	if u, _ := url.Parse(srv.URL); len(jar.Cookies(u)) == 0 || !secure {
		t.Fatalf("login over HTTPS (%d) set no Secure session cookie", resp.StatusCode)
	}

	frames := make(chan struct{}, 64)
	var c *gohlslib.Client
	c = &gohlslib.Client{
		URI: srv.URL + "/live/main/index.m3u8", HTTPClient: client,
		OnDownloadPrimaryPlaylist: func(string) {}, OnDownloadStreamPlaylist: func(string) {},
		OnDownloadSegment: func(string) {}, OnDownloadPart: func(string) {},
		OnTracks: func(tracks []*gohlslib.Track) error {
			for _, tr := range tracks {
				if _, ok := tr.Codec.(*codecs.H264); ok {
					c.OnDataH26x(tr, func(int64, int64, [][]byte) {
						select {
						case frames <- struct{}{}:
						default:
						}
					})
				}
			}
			return nil
		},
	}
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := time.After(20 * time.Second)
	for n := 0; n < 30; n++ {
		select {
		case <-frames:
		case err := <-c.Wait():
			t.Fatalf("client stopped: %v", err)
		case <-deadline:
			t.Fatalf("%d frames over HTTPS in 20 s, want 30\nserver log:\n%s", n, lastLines(srv.logs.String(), 40))
		}
	}
}

// TestE2ETLSCertFiles serves a certificate given as files, over HTTP/2;
// half a pair or an unreadable file is an error that says so.
func TestE2ETLSCertFiles(t *testing.T) {
	dir := t.TempDir()
	if _, err := httpapi.LoadOrCreateSelfSigned(dir, []string{"127.0.0.1"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	certFile, keyFile := filepath.Join(dir, httpapi.SelfSignedCertFile), filepath.Join(dir, httpapi.SelfSignedKeyFile)
	srv := startServer(t, "--tls-cert", certFile, "--tls-key", keyFile)
	pemBytes, _ := os.ReadFile(certFile)
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(pemBytes)
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: roots}, ForceAttemptHTTP2: true,
	}}
	resp, err := client.Get(srv.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.ProtoMajor != 2 {
		t.Fatalf("GET /healthz over TLS: %d %s, want 200 over HTTP/2", resp.StatusCode, resp.Proto)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--tls-cert", certFile}, "give both tls.cert and tls.key"},
		{[]string{"--tls-cert", certFile + ".missing", "--tls-key", keyFile}, "loading"},
		{[]string{"--tls", "yes"}, "--tls self-signed"},
	} {
		_, errOut, err := runCLI(t, "", append([]string{"serve", "--listen", "127.0.0.1:0", "--data", t.TempDir(), "--source", "test"}, c.args...)...)
		if err == nil || !strings.Contains(err.Error()+errOut, c.want) {
			t.Errorf("serve %v: %v, want an error saying %q", c.args, err, c.want)
		}
	}
}
