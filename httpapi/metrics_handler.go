package httpapi

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
)

// metricsHandler serves GET /metrics in Prometheus's text format: what
// reached llcast (OriginCounter) and the viewer count. It is for admins,
// behind the same session check as the studio API.
func metricsHandler(origin *OriginCounter, viewers *ViewerCounter, log *slog.Logger) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		if err := writeViewers(w, viewers); err != nil {
			log.Debug("writing metrics", "error", err)
			return
		}
		if err := origin.WriteMetrics(w); err != nil {
			log.Debug("writing metrics", "error", err)
		}
	}
}

func writeViewers(w io.Writer, viewers *ViewerCounter) error {
	_, err := fmt.Fprintf(w, "# HELP llcast_viewers Sessions and stream links that fetched media in the last 15 s.\n"+
		"# TYPE llcast_viewers gauge\nllcast_viewers %d\n", viewers.Count())
	return err
}
