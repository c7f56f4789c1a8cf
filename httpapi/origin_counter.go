package httpapi

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"

	"github.com/go-chi/chi/v5/middleware"

	"github.com/llcast/llcast/segmenter/llhls"
)

// Kinds of request OriginCounter tells apart, in the order /metrics lists
// them.
var originKinds = []string{"playlist", "blocking_playlist", "init", "segment", "part", "other", "auth"}

// OriginCounter counts the answered (2xx) requests that reach llcast for a
// stream's files, by kind and by file. Behind a caching proxy it shows
// whether the cache works: with every viewer's parts coming from the
// cache, llcast serves each part about once, however many watch. Per-file
// counts are forgotten a minute after a file's last request; the totals
// and the largest count any file reached stay. Safe for concurrent use.
type OriginCounter struct {
	now func() time.Time // time.Now when nil; tests move the clock

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

// recentBuckets are the upper bounds of llcast_origin_recent_files.
var recentBuckets = []int64{1, 2, 4, 8}

// WriteMetrics writes the counts in Prometheus's text format.
func (c *OriginCounter) WriteMetrics(w io.Writer) error {
	now := c.clock()
	c.mu.Lock()
	counts := make([]kindCount, len(originKinds))
	for i, kind := range originKinds {
		if k := c.kinds[kind]; k != nil {
			counts[i] = *k
		}
	}
	// recent[kind][i]: files of the last minute served at most
	// recentBuckets[i] times; the last one counts them all.
	recent := map[string][]int64{}
	for _, f := range c.files {
		if now.Sub(f.last) > originForget {
			continue
		}
		r := recent[f.kind]
		if r == nil {
			r = make([]int64, len(recentBuckets)+1)
			recent[f.kind] = r
		}
		for i, le := range recentBuckets {
			if f.n <= le {
				r[i]++
			}
		}
		r[len(recentBuckets)]++
	}
	c.mu.Unlock()

	var b strings.Builder
	metric := func(name, typ, help string, value func(kindCount) int64, auth bool) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
		for i, kind := range originKinds {
			if kind != "auth" || auth {
				fmt.Fprintf(&b, "%s{kind=%q} %d\n", name, kind, value(counts[i]))
			}
		}
	}
	metric("llcast_origin_requests_total", "counter",
		"Successful (2xx) requests for a stream's files that reached llcast rather than a proxy's cache, and the auth subrequests of a proxy that llcast allowed.",
		func(k kindCount) int64 { return k.requests }, true)
	metric("llcast_origin_files_total", "counter",
		"Distinct files requested (for blocking playlist requests: distinct _HLS_msn/_HLS_part/_HLS_skip).",
		func(k kindCount) int64 { return k.files }, false)
	metric("llcast_origin_file_requests_max", "gauge",
		"The most requests one file got, since llcast started; about 1 for parts and segments behind a working cache.",
		func(k kindCount) int64 { return k.max }, false)
	fmt.Fprintf(&b, "# HELP llcast_origin_recent_files Files requested in the last minute, by how often llcast served each: "+
		"le=\"2\" counts those served once or twice.\n# TYPE llcast_origin_recent_files gauge\n")
	for _, kind := range originKinds {
		if kind == "auth" {
			continue
		}
		r := recent[kind]
		if r == nil {
			r = make([]int64, len(recentBuckets)+1)
		}
		for i, n := range r {
			le := "+Inf"
			if i < len(recentBuckets) {
				le = fmt.Sprint(recentBuckets[i])
			}
			fmt.Fprintf(&b, "llcast_origin_recent_files{kind=%q,le=%q} %d\n", kind, le, n)
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func (c *OriginCounter) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}
