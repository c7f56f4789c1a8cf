package httpapi

import (
	"fmt"
	"math"
	"net/http"
	"path"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/llcast/llcast/segmenter/llhls"
)

// Kinds of request OriginCounter tells apart.
var originKinds = []string{"playlist", "blocking_playlist", "init", "segment", "part", "other", "auth"}

// OriginCounter counts the answered (2xx) requests that reach llcast for a
// stream's files, by kind and by file. Behind a caching proxy it shows
// whether the cache works: with every viewer's parts coming from the
// cache, llcast serves each part about once, however many watch. Per-file
// counts are forgotten a minute after a file's last request; the totals
// and the largest count any file reached stay. It is a
// prometheus.Collector (the llcast_origin_* families). Safe for
// concurrent use.
type OriginCounter struct {
	now func() time.Time // time.Now when nil; tests move the clock

	descOnce sync.Once
	desc     originDescs

	mu     sync.Mutex // guards what follows
	kinds  map[string]*kindCount
	files  map[string]*fileCount
	pruned time.Time
}

type kindCount struct {
	requests, files, max int64
}

type fileCount struct {
	kind string
	n    int64
	last time.Time
}

// originForget is how long a file's count outlives its last request: a
// part leaves the playlist after segment_count segments, 7 s by default.
const originForget = time.Minute

// Handler is the middleware. Put it after RequireMediaToken: only
// authorized requests count. On /auth/live it counts a proxy's auth
// subrequests (kind "auth", no files).
func (c *OriginCounter) Handler(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		if ww.Status() >= 200 && ww.Status() < 300 {
			kind, file := originKind(r)
			c.add(kind, file)
		}
	})
}

// originKind classifies a request by the names the muxers give their
// files (segmenter/llhls/names.go).
// file identifies what was asked for; for a blocking playlist request that
// is the playlist and its _HLS_ arguments. It is empty for auth.
func originKind(r *http.Request) (kind, file string) {
	p := r.URL.Path
	name := path.Base(p)
	switch {
	case p == "/auth/live":
		return "auth", ""
	case path.Ext(name) == ".m3u8":
		q := r.URL.Query()
		if q.Has("_HLS_msn") {
			return "blocking_playlist", fmt.Sprintf("%s?msn=%s&part=%s&skip=%s", p, q.Get("_HLS_msn"), q.Get("_HLS_part"), q.Get("_HLS_skip"))
		}
		return "playlist", p
	}
	if kind := llhls.Kind(name); kind != "" {
		return kind, p
	}
	return "other", p
}

func (c *OriginCounter) add(kind, file string) {
	now := c.clock()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.kinds == nil {
		c.kinds = map[string]*kindCount{}
		c.files = map[string]*fileCount{}
	}
	k := c.kinds[kind]
	if k == nil {
		k = &kindCount{}
		c.kinds[kind] = k
	}
	k.requests++
	if file == "" {
		return
	}
	f := c.files[file]
	if f == nil {
		f = &fileCount{kind: kind}
		c.files[file] = f
		k.files++
	}
	f.n++
	f.last = now
	k.max = max(k.max, f.n)
	if now.Sub(c.pruned) > originForget {
		for name, f := range c.files {
			if now.Sub(f.last) > originForget {
				delete(c.files, name)
			}
		}
		c.pruned = now
	}
}

// servedBands sort the files of the last minute by how often llcast
// served each (llcast_origin_recent_files's served label): at most max
// times, and more than the band before.
var servedBands = []struct {
	label string
	max   int64
}{{"1", 1}, {"2", 2}, {"3-4", 4}, {"5-8", 8}, {"9+", math.MaxInt64}}

// originDescs are OriginCounter's metric families.
type originDescs struct {
	requests, files, most, recent *prometheus.Desc
}

func newOriginDescs() originDescs {
	kind := []string{"kind"}
	return originDescs{
		requests: prometheus.NewDesc("llcast_origin_requests_total",
			"Successful (2xx) requests for a stream's files that reached llcast rather than a proxy's cache, "+
				"and the auth subrequests of a proxy that llcast allowed (kind=\"auth\").", kind, nil),
		files: prometheus.NewDesc("llcast_origin_files_total",
			"Distinct files requested (for blocking playlist requests: distinct _HLS_msn/_HLS_part/_HLS_skip).", kind, nil),
		most: prometheus.NewDesc("llcast_origin_file_requests_max",
			"The most requests one file got, since llcast started; about 1 for parts and segments behind a working cache.",
			kind, nil),
		recent: prometheus.NewDesc("llcast_origin_recent_files",
			"Files requested in the last minute, by how often llcast served each: served=\"1\" once, \"2\" twice, "+
				"\"3-4\", \"5-8\", \"9+\"; their sum is every file of the last minute.",
			[]string{"kind", "served"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (c *OriginCounter) Describe(ch chan<- *prometheus.Desc) {
	d := c.descs()
	ch <- d.requests
	ch <- d.files
	ch <- d.most
	ch <- d.recent
}

// Collect implements prometheus.Collector: the counts as they are now.
func (c *OriginCounter) Collect(ch chan<- prometheus.Metric) {
	now := c.clock()
	c.mu.Lock()
	counts := make([]kindCount, len(originKinds))
	for i, kind := range originKinds {
		if k := c.kinds[kind]; k != nil {
			counts[i] = *k
		}
	}
	// recent[kind][i]: files of the last minute in servedBands[i].
	recent := map[string][]int64{}
	for _, f := range c.files {
		if now.Sub(f.last) > originForget {
			continue
		}
		r := recent[f.kind]
		if r == nil {
			r = make([]int64, len(servedBands))
			recent[f.kind] = r
		}
		for i, b := range servedBands {
			if f.n <= b.max {
				r[i]++
				break
			}
		}
	}
	c.mu.Unlock()

	d := c.descs()
	for i, kind := range originKinds {
		k := counts[i]
		ch <- prometheus.MustNewConstMetric(d.requests, prometheus.CounterValue, float64(k.requests), kind)
		if kind == "auth" {
			continue // subrequests name no file
		}
		ch <- prometheus.MustNewConstMetric(d.files, prometheus.CounterValue, float64(k.files), kind)
		ch <- prometheus.MustNewConstMetric(d.most, prometheus.GaugeValue, float64(k.max), kind)
		r := recent[kind]
		for j, b := range servedBands {
			var n int64
			if r != nil {
				n = r[j]
			}
			ch <- prometheus.MustNewConstMetric(d.recent, prometheus.GaugeValue, float64(n), kind, b.label)
		}
	}
}

// descs returns the metric families, made on first use.
func (c *OriginCounter) descs() originDescs {
	c.descOnce.Do(func() { c.desc = newOriginDescs() })
	return c.desc
}

func (c *OriginCounter) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
