package main

import (
	"testing"

	"github.com/llcast/llcast/configs"
)

// TestBaseURL: http.public_url when set; else the configured scheme and
// port on the host listen names or the preferred LAN address. The
// addresses only go into URLs: nothing dials them.
func TestBaseURL(t *testing.T) {
	lan := []string{"fd12:3456::7", "192.0.2.7"}
	for _, c := range []struct {
		name   string
		set    func(*configs.Config)
		listen string
		ips    []string
		want   string
	}{
		{"defaults", nil, ":8080", lan, "http://192.0.2.7:8080"},
		{"public URL", func(c *configs.Config) { c.HTTP.PublicURL = "https://live.example/" }, ":8080", lan, "https://live.example"},
		{"public URL with a path", func(c *configs.Config) { c.HTTP.PublicURL = "https://example.com/llcast" }, ":8080", lan,
			"https://example.com/llcast"},
		{"self-signed", func(c *configs.Config) { c.TLS.SelfSigned = true }, ":8443", lan, "https://192.0.2.7:8443"},
		{"certificate", func(c *configs.Config) { c.TLS.Cert, c.TLS.Key = "c.pem", "k.pem" }, "[::]:443", lan, "https://192.0.2.7:443"},
		{"listen names a host", nil, "tv.example:9000", lan, "http://tv.example:9000"},
		{"listen names an address", nil, "127.0.0.2:9000", lan, "http://127.0.0.2:9000"},
		{"IPv6 only", nil, "0.0.0.0:8080", []string{"fe80::1", "2001:db8::5"}, "http://[2001:db8::5]:8080"},
		{"no LAN address", nil, ":8080", nil, "http://localhost:8080"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := configs.Default()
			if c.set != nil {
				c.set(&cfg)
			}
			if got := baseURL(cfg, c.listen, c.ips); got != c.want {
				t.Errorf("baseURL = %q, want %q", got, c.want)
			}
		})
	}
}

// TestWatchURLs: this machine's URL first, then the base, once.
func TestWatchURLs(t *testing.T) {
	for _, c := range []struct {
		bound, scheme, base string
		want                []string
	}{
		{"[::]:8081", "http", "http://192.0.2.7:8081", []string{"http://localhost:8081/", "http://192.0.2.7:8081/"}},
		{"0.0.0.0:8080", "https", "https://live.example", []string{"https://localhost:8080/", "https://live.example/"}},
		{"127.0.0.1:8080", "http", "http://127.0.0.1:8080", []string{"http://127.0.0.1:8080/"}},
	} {
		got := watchURLs(c.bound, c.scheme, c.base)
		if len(got) != len(c.want) || got[0] != c.want[0] || got[len(got)-1] != c.want[len(c.want)-1] {
			t.Errorf("watchURLs(%q, %q, %q) = %q, want %q", c.bound, c.scheme, c.base, got, c.want)
		}
	}
}
