package llhls

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// uriEnd marks the end of every URI in a playlist as rendered: a stream
// link's token goes there. A NUL byte cannot occur in a playlist.
const uriEnd = "\x00"

// rendered is a playlist rendered once and served to every request until
// the next change: without a token as it is (gzipped for the clients
// that accept it, Apple HLS authoring 10.1, compressed for the first of
// them), with a token by writing the chunks between the URIs and the
// token after each.
type rendered struct {
	chunks [][]byte // the text, split at the end of each URI
	plain  []byte
	z      *gzipPool
	once   sync.Once
	gzip   []byte // nil until asked for, or if it failed
}

// gzipPool compresses rendered playlists for whoever asks first. A gzip
// writer is large to make, so they are pooled.
type gzipPool struct {
	pool sync.Pool // of *gzip.Writer
}

// rendered splits text at the uriEnd marks.
func (z *gzipPool) rendered(text []byte) *rendered {
	r := &rendered{chunks: bytes.Split(text, []byte(uriEnd)), z: z}
	r.plain = bytes.Join(r.chunks, nil)
	return r
}

// gzipped returns the compressed playlist, made on the first call.
func (p *rendered) gzipped() []byte {
	p.once.Do(func() {
		var buf bytes.Buffer
		w, _ := p.z.pool.Get().(*gzip.Writer)
		if w == nil {
			// BestSpeed: a playlist is small and made again in a moment.
			w, _ = gzip.NewWriterLevel(&buf, gzip.BestSpeed)
		} else {
			w.Reset(&buf)
		}
		_, _ = w.Write(p.plain)
		if w.Close() == nil {
			p.gzip = buf.Bytes()
		}
		p.z.pool.Put(w)
	})
	return p.gzip
}

// write sends the playlist as the answer to r. Every playlist answer
// varies with Accept-Encoding, so that a cache keeps both apart.
func (p *rendered) write(w http.ResponseWriter, r *http.Request, token string) {
	h := w.Header()
	h.Set("Content-Type", "application/vnd.apple.mpegurl")
	h.Add("Vary", "Accept-Encoding")
	if token != "" {
		// Rare (native players with a stream link): not worth a cache.
		suffix := []byte("?token=" + token)
		h.Set("Content-Length", strconv.Itoa(len(p.plain)+(len(p.chunks)-1)*len(suffix)))
		w.WriteHeader(http.StatusOK)
		for i, c := range p.chunks {
			if i > 0 {
				_, _ = w.Write(suffix)
			}
			_, _ = w.Write(c)
		}
		return
	}
	body := p.plain
	if acceptsGzip(r.Header) {
		if gz := p.gzipped(); gz != nil {
			h.Set("Content-Encoding", "gzip")
			body = gz
		}
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (or
// "*") with a quality above zero (RFC 9110 12.5.3).
func acceptsGzip(h http.Header) bool {
	for _, v := range h.Values("Accept-Encoding") {
		for v != "" {
			var item string
			item, v, _ = strings.Cut(v, ",")
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
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ";")
		k, v, ok := strings.Cut(strings.TrimSpace(p), "=")
		if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return q, err == nil
		}
	}
	return 0, false
}
