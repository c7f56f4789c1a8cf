package httpapi

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"rsc.io/qr"
)

// TestLinksIgnoreTheHostHeader: a link made on the watch page, and its QR
// code, start with the server's base URL (PublicURL, or LinkHost and the
// bound port), whatever Host header the request carried.
func TestLinksIgnoreTheHostHeader(t *testing.T) {
	for _, c := range []struct {
		name      string
		configure func(*Server)
		want      func(port string) string
	}{
		{"public URL", func(s *Server) { s.PublicURL = "https://live.example/" },
			func(string) string { return "https://live.example" }},
		{"public URL with a path", func(s *Server) { s.PublicURL = "https://example.com/llcast" },
			func(string) string { return "https://example.com/llcast" }},
		{"link host", func(s *Server) { s.LinkHost = "tv.example" },
			func(port string) string { return "http://tv.example:" + port }},
		{"bound address", nil,
			func(port string) string { return "http://127.0.0.1:" + port }},
	} {
		t.Run(c.name, func(t *testing.T) {
			env := newTestServerWith(t, func(s *Server) {
				s.Users = emptyUsers(t)
				s.Links = &LinkStore{Path: filepath.Join(t.TempDir(), LinksFile)}
				if c.configure != nil {
					c.configure(s)
				}
			})
			_, port, _ := net.SplitHostPort(env.srv.Addr().String())
			want := c.want(port)
			if got := env.srv.BaseURL(); got != want {
				t.Fatalf("BaseURL() = %q, want %q", got, want)
			}
			req, err := http.NewRequest(http.MethodPost, env.url+"/api/links", strings.NewReader(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			req.Host = "evil.example"
			req.Header.Set("X-Forwarded-Host", "evil.example")
			req.Header.Set("X-Forwarded-Proto", "https")
			req.AddCookie(sessionFor(t, env, "alice", RoleViewer))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				t.Fatalf("POST /api/links: %d %s", resp.StatusCode, body)
			}
			var made linkReply
			if err := json.Unmarshal(body, &made); err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(made.URL, want+"/live/main/index.m3u8?token=") {
				t.Fatalf("link %q, want it under %q", made.URL, want)
			}
			code, err := qr.Encode(made.URL, qr.L)
			if err != nil {
				t.Fatal(err)
			}
			if made.QR != "data:image/png;base64,"+base64.StdEncoding.EncodeToString(code.PNG()) {
				t.Fatal("the QR code is not the code of the link")
			}
		})
	}
}

func TestServerRefusesABadPublicURL(t *testing.T) {
	for _, u := range []string{"live.example", "ftp://live.example", "https://"} {
		s := &Server{Listen: "127.0.0.1:0", PublicURL: u, Users: emptyUsers(t), Auth: newTestAuth(t), Streams: fakeStreams{}}
		if err := s.Start(); err == nil || !strings.Contains(err.Error(), "PublicURL") {
			if err == nil {
				_ = s.Close()
			}
			t.Errorf("PublicURL %q: %v, want an error naming PublicURL", u, err)
		}
	}
}
