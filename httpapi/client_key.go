package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/netip"

	"github.com/llcast/llcast/segmenter/llhls"
)

// ClientKey tells the muxers who is asking (llhls.WithClient), so that
// each client gets its own share of a stream's waiting slots and one
// client holding many blocking requests cannot starve the others:
//   - a stream link: a hash of its token and the viewer's address (IPv6 by
//     /64): a link is passed around like a password, and viewers watching
//     from different places should not share one client's slots;
//   - a session: a hash of the session cookie;
//   - else the viewer's address, IPv6 by /64 (one host owns a /64).
//
// The key is a hash, never a token. Put it after RealIP, so that the
// address is the viewer's, and after RequireMediaToken, so that only
// accepted credentials make keys: a made-up token would make a new client.
func ClientKey(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(llhls.WithClient(r.Context(), clientKey(r))))
	})
}

// The kinds of client keys: the ViewerCounter counts the first two.
const (
	linkKey    = "link:"
	sessionKey = "session:"
	addressKey = "address:"
)

// clientKey picks the credential the way mediaClaims does: the link's
// token first, then the cookie.
func clientKey(r *http.Request) string {
	if token := r.URL.Query().Get(LinkParam); token != "" {
		return linkKey + hashKey(token+"\x00"+clientAddress(r))
	}
	if c, err := r.Cookie(CookieName); err == nil && c.Value != "" {
		return sessionKey + hashKey(c.Value)
	}
	return addressKey + clientAddress(r)
}

// clientAddress is r's remote address, an IPv6 one as its /64; what it
// cannot parse it returns whole.
func clientAddress(r *http.Request) string {
	a, ok := parseAddr(r.RemoteAddr)
	switch {
	case !ok:
		return r.RemoteAddr
	case a.Is6():
		return netip.PrefixFrom(a, 64).Masked().String()
	}
	return a.String()
}

// hashKey is 128 bits of SHA-256 of s, in hex: enough to tell clients
// apart, and no credential to keep.
func hashKey(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:16])
}
