package httpapi

import (
	"net/http"
	"path"
	"strings"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/llcast/llcast/segmenter/llhls"
)

// RequestCounter counts the requests llcast answered by route class and
// status class (llcast_http_requests_total). Both labels come from a
// short fixed list, never from the path itself: a client cannot make the
// metric grow. Make it with NewRequestCounter; it is safe for concurrent
// use and is a prometheus.Collector.
type RequestCounter struct {
	total *prometheus.CounterVec
}

// NewRequestCounter returns a counter at zero.
func NewRequestCounter() *RequestCounter {
	return &RequestCounter{total: prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "llcast_http_requests_total",
		Help: "Requests answered, by route class (page, asset, playlist, init, part, segment, api, auth, metrics, " +
			"health, other) and status class (2xx…5xx; none: the client went away before any answer).",
	}, []string{"class", "code"})}
}

// Handler is the middleware. Put it first, so that it counts what the
// others refuse (an overlong URL, a panic turned into a 500) too.
func (c *RequestCounter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		c.total.WithLabelValues(routeClass(r.URL.Path), statusClass(ww.Status(), r)).Inc()
	})
}

// Describe implements prometheus.Collector.
func (c *RequestCounter) Describe(ch chan<- *prometheus.Desc) { c.total.Describe(ch) }

// Collect implements prometheus.Collector.
func (c *RequestCounter) Collect(ch chan<- prometheus.Metric) { c.total.Collect(ch) }

// routeClass sorts a path into the routes of Server.routes; a stream's
// files by the names the muxers give them (segmenter/llhls/names.go).
func routeClass(p string) string {
	switch {
	case p == "/healthz":
		return "health"
	case p == "/metrics":
		return "metrics"
	case p == "/login" || p == "/logout" || p == "/auth/live":
		return "auth"
	case p == "/" || p == "/studio" || strings.HasPrefix(p, "/watch/") || strings.HasPrefix(p, "/embed/"):
		return "page"
	case strings.HasPrefix(p, "/assets/"):
		return "asset"
	case strings.HasPrefix(p, "/api/"):
		return "api"
	case strings.HasPrefix(p, "/live/"):
		if kind := llhls.Kind(path.Base(p)); kind != "" {
			return kind
		}
	}
	return "other"
}

// statusClass is "2xx" for 200 to 299, and so on. A handler that wrote
// nothing gets net/http's 200, unless its client went away first.
func statusClass(status int, r *http.Request) string {
	if status == 0 {
		if r.Context().Err() != nil {
			return "none"
		}
		status = http.StatusOK
	}
	if c := status / 100; c >= 1 && c <= 5 {
		return statusClasses[c-1]
	}
	return "other"
}

// statusClasses are the code label's values, made once: statusClass runs
// on every request.
var statusClasses = [...]string{"1xx", "2xx", "3xx", "4xx", "5xx"}
