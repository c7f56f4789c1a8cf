package httpapi

import (
	"net/http"
	"path"
)

// Cache-Control values of /live/ answers. A shared cache (nginx, a CDN) may
// keep what they allow only if it checks every request's auth itself
// before answering from its cache: none of these says anything about who
// may see the content. README "Behind nginx or a CDN".
const (
	// cacheMedia is for init files, segments and parts. Their names carry
	// the muxer's random prefix and a sequence number, so a name is never
	// reused for other bytes, not even after a restart: immutable.
	cacheMedia = "public, max-age=3600, immutable"
	// cacheBlockingPlaylist is for the answer to a blocking playlist
	// request (_HLS_msn, _HLS_part): a playlist that holds that part,
	// valid for every viewer who asks for it. Viewers ask for one part
	// within a part duration or so of each other; a second (nginx counts
	// whole seconds, so it keeps it 1 to 2 s) covers them and ends long
	// before the playlist's parts leave the window.
	cacheBlockingPlaylist = "public, max-age=1"
	// cachePlaylist is for a playlist without _HLS_msn: the live edge as
	// of now, which a cache must fetch anew each time (nginx does not
	// store no-cache answers at all).
	cachePlaylist = "no-cache"
	// cacheNever is for errors, and files of a kind llcast does not
	// serve: a 404 or 503 now may be a part a moment later.
	cacheNever = "no-store"
)

// CacheControl sets Cache-Control on the answers below /live/: the muxers
// set none, and what may be cached depends on how this server is
// deployed (README "Behind nginx or a CDN"). Put it before
// RequireMediaToken so that a 401 gets no-store too.
func CacheControl(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(&cacheControlWriter{ResponseWriter: w, r: r}, r)
	})
}

// cacheControlWriter sets the header when the status is known.
type cacheControlWriter struct {
	http.ResponseWriter
	r           *http.Request
	wroteHeader bool
}

func (c *cacheControlWriter) WriteHeader(status int) {
	if !c.wroteHeader {
		c.wroteHeader = true
		c.Header().Set("Cache-Control", cacheControlFor(c.r, status))
	}
	c.ResponseWriter.WriteHeader(status)
}

func (c *cacheControlWriter) Write(p []byte) (int, error) {
	if !c.wroteHeader {
		c.WriteHeader(http.StatusOK)
	}
	return c.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController reach the connection.
func (c *cacheControlWriter) Unwrap() http.ResponseWriter { return c.ResponseWriter }

// cacheControlFor is the Cache-Control of an answer with status to r.
func cacheControlFor(r *http.Request, status int) string {
	if status != http.StatusOK {
		return cacheNever
	}
	switch path.Ext(r.URL.Path) {
	case ".m3u8":
		if r.URL.Query().Has("_HLS_msn") {
			return cacheBlockingPlaylist
		}
		return cachePlaylist
	case ".mp4", ".m4s", ".ts":
		return cacheMedia
	}
	return cacheNever
}
