package httpapi

import "net/http"

// hstsValue pins HTTPS for a year. Without includeSubDomains: llcast owns
// its host name, not the other hosts under its domain.
const hstsValue = "max-age=31536000"

// StrictTransportSecurity tells browsers to come back over HTTPS only, on
// answers that came over TLS to llcast (browsers ignore the header over
// plain HTTP). Use it only with a certificate browsers trust. Behind a
// TLS-terminating proxy the proxy sends it, if anyone.
func StrictTransportSecurity(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.TLS != nil {
			w.Header().Set("Strict-Transport-Security", hstsValue)
		}
		next.ServeHTTP(w, r)
	})
}
