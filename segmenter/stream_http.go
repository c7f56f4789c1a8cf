package segmenter

import (
	"context"
	"net/http"
	"path"
	"time"
)

// ServeHTTP serves the stream's files at …/{Name}/ and those of the legacy
// rendition at …/{Name}/legacy/; gohlslib routes on the file name only.
func (s *Stream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !isLegacyPath(r.URL.Path, s.Name) {
		s.serveMuxer(w, r, s.out)
		return
	}
	if s.legacy == nil {
		http.NotFound(w, r)
		return
	}
	s.serveMuxer(w, r, s.legacy.out)
}

// isLegacyPath reports whether p names a file in the legacy/ folder of the
// stream. The stream's own name is checked too, so that a stream named
// "legacy" still serves its low-latency files.
func isLegacyPath(p, name string) bool {
	dir := path.Dir(p)
	return path.Base(dir) == "legacy" && path.Base(path.Dir(dir)) == name
}

// serveMuxer answers r from the muxer of o.
//
// gohlslib blocks a playlist request (and any request before the first
// segment) until the content exists, without watching the request's
// context. So the muxer answers into a buffer on a goroutine of its own,
// while this handler waits for that, for the client to go away, or for three
// target durations, after which it answers 503. The goroutine ends when the
// muxer produces the content or closes; Close waits for it.
func (s *Stream) serveMuxer(w http.ResponseWriter, r *http.Request, o *muxerOutput) {
	select {
	case s.waiting <- struct{}{}:
	default:
		s.Logger.Warn("too many requests waiting for the stream", "limit", s.MaxWaiting)
		http.Error(w, "stream busy", http.StatusServiceUnavailable)
		return
	}

	buf := &bufferedResponse{header: make(http.Header)}
	done := make(chan struct{})
	// The muxer must not see the client's cancellation: it would not stop
	// anyway, and r.Context() is invalid once this handler has returned.
	inner := r.Clone(context.WithoutCancel(r.Context()))
	s.handlers.Add(1)
	go func() {
		defer s.handlers.Done()
		defer func() { <-s.waiting }()
		defer close(done)
		o.answer(buf, inner)
	}()

	timer := time.NewTimer(3 * o.target)
	defer timer.Stop()
	select {
	case <-done:
		s.gzip.encode(buf, r)
		buf.writeTo(w)
	case <-r.Context().Done():
	case <-timer.C:
		http.Error(w, "the requested playlist or part is not available yet", http.StatusServiceUnavailable)
	}
}

// bufferedResponse collects what the muxer answers. It is written by the
// muxer's goroutine only, and read after that goroutine has closed done.
type bufferedResponse struct {
	header http.Header
	status int
	body   []byte
}

func (b *bufferedResponse) Header() http.Header { return b.header }

func (b *bufferedResponse) WriteHeader(status int) {
	if b.status == 0 {
		b.status = status
	}
}

func (b *bufferedResponse) Write(p []byte) (int, error) {
	b.WriteHeader(http.StatusOK)
	b.body = append(b.body, p...)
	return len(p), nil
}

// writeTo copies the answer to w. gohlslib writes nothing at all for a file
// name it does not know; that becomes a 404.
func (b *bufferedResponse) writeTo(w http.ResponseWriter) {
	if b.status == 0 {
		http.NotFound(w, nil)
		return
	}
	for k, v := range b.header {
		w.Header()[k] = v
	}
	w.WriteHeader(b.status)
	_, _ = w.Write(b.body)
}
