package llhls

import (
	"context"
	"net"
	"net/http"
)

type clientKey struct{}

// WithClient returns a copy of ctx saying which client a request comes
// from. key is opaque and only compared: requests with the same key share
// one client's MaxWaitingPerClient slots. The HTTP layer sets it (a hash of
// the session or the stream link, or the address), since it knows who is
// asking and this package must not.
//
// A request without a key, or with an empty one, is counted under the host
// of its RemoteAddr, without the port: one client's connections share its
// slots, and clients at different addresses never do.
func WithClient(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, clientKey{}, key)
}

// ClientFrom returns the key WithClient put in ctx; "" when there is none.
func ClientFrom(ctx context.Context) string {
	key, _ := ctx.Value(clientKey{}).(string)
	return key
}

// clientOf is the key r's waiting is counted under.
func clientOf(r *http.Request) string {
	if key := ClientFrom(r.Context()); key != "" {
		return key
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	// The NUL keeps it apart from the (printable) keys of WithClient.
	return "\x00remote " + host
}
