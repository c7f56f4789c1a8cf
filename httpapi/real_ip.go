package httpapi

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
)

// RealIP makes r.RemoteAddr the viewer's address when the request comes
// through a reverse proxy llcast trusts: if the peer is in trusted, it is
// the right-most address of X-Forwarded-For that is not itself a trusted
// proxy (each proxy appends its own peer, so that is the first hop nobody
// trusted could have forged). The login limit and the logs then see
// viewers instead of the proxy. From any other peer the header is ignored:
// anyone can send one. With trusted empty it changes nothing.
//
// A trusted proxy's X-Forwarded-Proto: https also counts: the viewer came
// over HTTPS (see isHTTPS), so session cookies are Secure and links https.
//
// The new RemoteAddr is the bare address, without a port. Put RealIP
// first, before the access log.
func RealIP(trusted []netip.Prefix) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if len(trusted) == 0 {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if ip, ok := forwardedFor(r, trusted); ok {
				r2 := *r
				r2.RemoteAddr = ip.String()
				if strings.EqualFold(r.Header.Get("X-Forwarded-Proto"), "https") {
					r2 = *r2.WithContext(context.WithValue(r.Context(), forwardedHTTPSKey{}, true))
				}
				r = &r2
			}
			next.ServeHTTP(w, r)
		})
	}
}

type forwardedHTTPSKey struct{}

// isHTTPS reports whether the viewer's request came over HTTPS: to llcast
// itself, or to a trusted proxy that said so.
func isHTTPS(r *http.Request) bool {
	https, _ := r.Context().Value(forwardedHTTPSKey{}).(bool)
	return r.TLS != nil || https
}

// forwardedFor returns the client address X-Forwarded-For gives, if the
// peer is trusted and the header holds an untrusted address.
func forwardedFor(r *http.Request, trusted []netip.Prefix) (netip.Addr, bool) {
	peer, ok := parseAddr(r.RemoteAddr)
	if !ok || !isTrusted(peer, trusted) {
		return netip.Addr{}, false
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	var left netip.Addr
	for i := len(hops) - 1; i >= 0; i-- {
		hop := strings.TrimSpace(hops[i])
		if hop == "" {
			continue
		}
		addr, ok := parseAddr(hop)
		if !ok {
			// A trusted proxy wrote something else than an address:
			// believe nothing further left.
			return netip.Addr{}, false
		}
		if !isTrusted(addr, trusted) {
			return addr, true
		}
		left = addr
	}
	// Only trusted proxies: the left-most is as close to the viewer as
	// anyone knows.
	return left, left.IsValid()
}

// parseAddr reads "IP", "IP:port" or "[IPv6]:port".
func parseAddr(s string) (netip.Addr, bool) {
	a, err := netip.ParseAddr(s)
	if err != nil {
		host, _, splitErr := net.SplitHostPort(s)
		if splitErr != nil {
			return netip.Addr{}, false
		}
		if a, err = netip.ParseAddr(host); err != nil {
			return netip.Addr{}, false
		}
	}
	// No zone: prefixes never contain a zoned address.
	return a.Unmap().WithZone(""), true
}

func isTrusted(a netip.Addr, trusted []netip.Prefix) bool {
	for _, p := range trusted {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
