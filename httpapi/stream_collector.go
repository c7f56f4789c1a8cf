package httpapi

import (
	"log/slog"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/llcast/llcast/httpapi/auth"
)

// streamCollector reports every stream the catalog lists, labelled
// stream="name", as it is when /metrics is read: it asks the catalog, the
// local broadcast (Studio) and the publishers (Publishers) then, and runs
// nothing of its own in between. The label's values are the stream
// store's names, which admins choose: never a name from a URL.
type streamCollector struct {
	catalog *streamCatalog
	studio  Studio      // the local broadcast; nil: none
	pubs    Publishers  // pushed and file streams; nil: none
	delays  *PartDelays // nil: no delay histogram
	log     *slog.Logger

	live, viewers, publisher, fps, bitrate, dropped *prometheus.Desc
}

func newStreamCollector(catalog *streamCatalog, studio Studio, pubs Publishers, delays *PartDelays, log *slog.Logger) *streamCollector {
	stream := []string{"stream"}
	return &streamCollector{
		catalog: catalog, studio: studio, pubs: pubs, delays: delays, log: log,
		live: prometheus.NewDesc("llcast_stream_live",
			"1 while viewers can watch the stream: its source is on the air (a pushed stream's publisher is connected), "+
				"or, for an on-demand file, it can be played; else 0.", stream, nil),
		viewers: prometheus.NewDesc("llcast_stream_viewers",
			"Sessions and stream links that fetched the stream's media in the last 15 s.", stream, nil),
		publisher: prometheus.NewDesc("llcast_stream_publisher_connected",
			"1 while a source feeds the stream: the local capture, a publisher (RTMP, SRT, llcast push) or a file; else 0.",
			stream, nil),
		fps: prometheus.NewDesc("llcast_stream_frames_per_second",
			"Video frames per second over the last second: direction=\"in\" from the camera or the publisher, "+
				"direction=\"out\" encoded (local capture) or taken by the stream (pushed).",
			[]string{"stream", "direction"}, nil),
		bitrate: prometheus.NewDesc("llcast_stream_bitrate_bits_per_second",
			"Bitrate of the stream's video or audio over the last second, as encoded or as the publisher sent it.",
			[]string{"stream", "media"}, nil),
		dropped: prometheus.NewDesc("llcast_stream_dropped_samples_total",
			"Samples the stream's muxer queue had no room for, since the stream last went on the air.", stream, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *streamCollector) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{c.live, c.viewers, c.publisher, c.fps, c.bitrate, c.dropped} {
		ch <- d
	}
	if c.delays != nil {
		c.delays.describe(ch)
	}
}

// Collect implements prometheus.Collector.
func (c *streamCollector) Collect(ch chan<- prometheus.Metric) {
	streams, err := c.catalog.list()
	keep := map[string]bool{}
	if err != nil {
		// The store's file is broken: report what it still had, and
		// forget no histogram.
		c.log.Warn("metrics: listing the streams", "error", err)
		keep = nil
	}
	for _, s := range streams {
		if keep != nil {
			keep[s.Name] = true
		}
		sum := c.catalog.summary(s)
		n := c.measure(s)
		gauge := func(d *prometheus.Desc, v float64, labels ...string) {
			ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v, append([]string{s.Name}, labels...)...)
		}
		gauge(c.live, bit(sum.Live))
		gauge(c.viewers, float64(sum.Viewers))
		gauge(c.publisher, bit(n.connected))
		gauge(c.fps, n.fpsIn, "in")
		gauge(c.fps, n.fpsOut, "out")
		gauge(c.bitrate, n.video, "video")
		gauge(c.bitrate, n.audio, "audio")
		ch <- prometheus.MustNewConstMetric(c.dropped, prometheus.CounterValue, float64(n.dropped), s.Name)
	}
	if c.delays != nil {
		c.delays.collect(ch, keep)
	}
}

// streamNumbers are what the source of a stream measures.
type streamNumbers struct {
	connected     bool
	fpsIn, fpsOut float64
	video, audio  float64 // bit/s
	dropped       uint64
}

// measure asks the stream's source: the local broadcast for the local
// stream, the publishers for the others.
func (c *streamCollector) measure(s auth.Stream) streamNumbers {
	if s.Source == auth.SourceLocal {
		if c.studio == nil || s.Name != c.catalog.def {
			return streamNumbers{}
		}
		st := c.studio.Status()
		h := st.Health
		return streamNumbers{
			connected: st.Live, fpsIn: h.FPSIn, fpsOut: h.FPSOut,
			video: h.VideoKbps * 1000, audio: h.AudioKbps * 1000, dropped: h.Dropped,
		}
	}
	if c.pubs == nil {
		return streamNumbers{}
	}
	st, _ := c.pubs.Publisher(s.Name)
	return streamNumbers{
		connected: st.Connected, fpsIn: float64(st.FPS), fpsOut: float64(st.FPSOut),
		video: float64(st.VideoBitrate), audio: float64(st.AudioBitrate), dropped: st.Dropped,
	}
}

// bit is 1 for true, 0 for false.
func bit(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
