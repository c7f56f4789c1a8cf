package httpapi

import (
	"net/url"
	"strings"
)

// localRedirect returns next when it is a path on this site and "/"
// otherwise: a login link must not send the user to another site.
func localRedirect(next string) string {
	if !isLocalPath(next) {
		return "/"
	}
	return next
}

func isLocalPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	// Browsers read "\" as "/" and drop tabs and newlines, so "/\evil" and
	// "/\t/evil" would both leave the site.
	for _, c := range []byte(p) {
		if c < 0x20 || c == 0x7f || c == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil
}
