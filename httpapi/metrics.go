package httpapi

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metricsRegistry gathers what /metrics shows (README "Monitoring"): the
// Go runtime and the process, the requests answered, what reached llcast
// as a proxy's origin, the viewers, and each stream. It is the server's
// own registry, not the process-wide default, so that two servers in one
// process (tests) do not share counts.
func (s *Server) metricsRegistry(catalog *streamCatalog) (*prometheus.Registry, error) {
	reg := prometheus.NewRegistry()
	viewers := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "llcast_viewers",
		Help: "Sessions and stream links that fetched media in the last 15 s, each once whatever it watched.",
	}, func() float64 { return float64(s.viewers.Count()) })
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		s.requests, s.origin, viewers,
		newStreamCollector(catalog, s.Studio, s.Publishers, s.PartDelays, s.Logger),
	} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("metrics: %w", err)
		}
	}
	return reg, nil
}
