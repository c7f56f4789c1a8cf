package configs

import (
	"fmt"
	"net/netip"
	"net/url"
)

// HTTP settings.
type HTTP struct {
	// TrustedProxies are the reverse proxies in front of llcast (nginx,
	// a CDN's edges), as addresses or CIDR prefixes. Only from these is
	// X-Forwarded-For believed, so that the logs and the login limit see
	// viewers instead of the proxy.
	TrustedProxies []string `yaml:"trusted_proxies"`
	// ReadTimeout bounds reading a request, headers and body: a client
	// sending a byte a second is cut off. Requests without a body may
	// wait longer for their answer (blocking playlist requests).
	ReadTimeout Duration `yaml:"read_timeout"`
	// PublicURL is where viewers reach llcast ("https://live.example"),
	// for a server behind a reverse proxy or CDN: every printed URL, link
	// and QR code starts with it. Empty means this machine's LAN address
	// with the configured scheme and port.
	PublicURL string `yaml:"public_url"`
}

func (h HTTP) checkPublicURL() error {
	if h.PublicURL == "" {
		return nil
	}
	u, err := url.Parse(h.PublicURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" ||
		u.Fragment != "" || u.User != nil {
		return fmt.Errorf("%q is not a URL like https://live.example or https://example.com/llcast (no query)", h.PublicURL)
	}
	return nil
}

// TrustedPrefixes returns TrustedProxies as prefixes, an address as a
// prefix of its own. Validate first: entries that do not parse are left
// out.
func (h HTTP) TrustedPrefixes() []netip.Prefix {
	var out []netip.Prefix
	for _, s := range h.TrustedProxies {
		if p, err := parseTrustedProxy(s); err == nil {
			out = append(out, p)
		}
	}
	return out
}

func (h HTTP) checkTrustedProxies() error {
	for _, s := range h.TrustedProxies {
		p, err := parseTrustedProxy(s)
		if err != nil {
			return fmt.Errorf("%q is neither an address (127.0.0.1) nor a prefix (10.0.0.0/8)", s)
		}
		if p.Bits() == 0 {
			return fmt.Errorf("%q trusts every address, so anyone could pick the address llcast logs and limits logins by: list your proxies' addresses", s)
		}
	}
	return nil
}

func parseTrustedProxy(s string) (netip.Prefix, error) {
	if a, err := netip.ParseAddr(s); err == nil {
		a = a.Unmap()
		return netip.PrefixFrom(a, a.BitLen()), nil
	}
	p, err := netip.ParsePrefix(s)
	if err != nil {
		return netip.Prefix{}, err
	}
	if p.Addr().Is4In6() {
		p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
	}
	return p.Masked(), nil
}
