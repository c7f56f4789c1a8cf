package httpapi

import "net/http"

// MaxURLLength is the longest request target (path and query) llcast
// reads. Its own URLs stay well below: a playlist or part name and a
// stream link's token of a few hundred bytes.
const MaxURLLength = 4096

// LimitURL answers 414 to a request whose target is longer than max,
// before any other work: a long query would otherwise travel through the
// router, the logs and the handlers. Put it first.
func LimitURL(max int) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if len(r.RequestURI) > max || len(r.URL.RawQuery)+len(r.URL.Path) > max {
				w.Header().Set("Cache-Control", "no-store")
				http.Error(w, "URI too long", http.StatusRequestURITooLong)
				return
			}
			next.ServeHTTP(w, r)
		})
	}
}
