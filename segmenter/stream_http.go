package segmenter

import (
	"net/http"
	"path"
)

// ServeHTTP serves the stream's files at …/{Name}/ and those of the legacy
// rendition at …/{Name}/legacy/; any other folder is not the stream's.
func (s *Stream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	dir, name := path.Split(r.URL.Path)
	dir = path.Clean(dir)
	switch {
	case path.Base(dir) == "legacy" && path.Base(path.Dir(dir)) == s.Name && s.legacy != nil:
		s.legacy.Handle(w, r, name)
	case path.Base(dir) == s.Name:
		s.muxer.Handle(w, r, name)
	default:
		http.NotFound(w, r)
	}
}
