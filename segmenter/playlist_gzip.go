package segmenter

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// playlistGzip compresses playlists for the clients that accept it (Apple
// HLS authoring 10.1): a low-latency player reloads them several times a
// second. Segments and parts are compressed already and go out as they
// are. Its writers are pooled, as a gzip writer is large to make.
type playlistGzip struct {
	pool sync.Pool // of *gzip.Writer
}

// encode compresses a successful playlist answer in buf when r accepts
// gzip; every playlist answer gets Vary: Accept-Encoding, so that a cache
// keeps both versions apart.
func (g *playlistGzip) encode(buf *bufferedResponse, r *http.Request) {
	ct := buf.header.Get("Content-Type")
	if buf.status != http.StatusOK || !strings.Contains(strings.ToLower(ct), "mpegurl") {
		return
	}
	buf.header.Add("Vary", "Accept-Encoding")
	if !acceptsGzip(r.Header) {
		return
	}
	zw, _ := g.pool.Get().(*gzip.Writer)
	var out bytes.Buffer
	if zw == nil {
		// BestSpeed: a playlist is small and made again in a moment.
		zw, _ = gzip.NewWriterLevel(&out, gzip.BestSpeed)
	} else {
		zw.Reset(&out)
	}
	_, _ = zw.Write(buf.body)
	if err := zw.Close(); err != nil {
		return
	}
	g.pool.Put(zw)
	buf.body = out.Bytes()
	buf.header.Set("Content-Encoding", "gzip")
	buf.header.Del("Content-Length")
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (or
// "*") with a quality above zero (RFC 9110 12.5.3).
func acceptsGzip(h http.Header) bool {
	for _, v := range h.Values("Accept-Encoding") {
		for _, item := range strings.Split(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(item), ";")
			coding = strings.ToLower(strings.TrimSpace(coding))
			if coding != "gzip" && coding != "x-gzip" && coding != "*" {
				continue
			}
			if q, ok := qValue(params); !ok || q > 0 {
				return true
			}
		}
	}
	return false
}

// qValue reads q= from the parameters of an Accept-Encoding item.
func qValue(params string) (float64, bool) {
	for _, p := range strings.Split(params, ";") {
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return q, err == nil
		}
	}
	return 0, false
}
