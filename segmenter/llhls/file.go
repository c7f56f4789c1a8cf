package llhls

import (
	"net/http"
	"strconv"
	"time"
)

// file is a media file as served: immutable bytes, in one or more
// chunks (a segment is the parts it was published as, not a copy).
type file struct {
	chunks      [][]byte
	size        int
	contentType string
	// mediaEnd, for a part, is the wall-clock time its media ends: the
	// PROGRAM-DATE-TIME of its segment plus the parts up to its end. It
	// is zero for every other file, and for media without capture times.
	mediaEnd time.Time
}

func newFile(contentType string, chunks ...[]byte) *file {
	f := &file{chunks: chunks, contentType: contentType}
	for _, c := range chunks {
		f.size += len(c)
	}
	return f
}

// write sends f as the answer to a request.
func (f *file) write(w http.ResponseWriter) {
	h := w.Header()
	h.Set("Content-Type", f.contentType)
	h.Set("Content-Length", strconv.Itoa(f.size))
	w.WriteHeader(http.StatusOK)
	for _, c := range f.chunks {
		if _, err := w.Write(c); err != nil {
			return
		}
	}
}

// part is one LL-HLS partial segment. Immutable once published.
type part struct {
	name        string
	duration    time.Duration
	independent bool
	file        *file
}

// segment is a complete media segment. Immutable once published.
type segment struct {
	msn      int
	name     string
	start    time.Time // EXT-X-PROGRAM-DATE-TIME
	duration time.Duration
	// discontinuity: another source's media begins here (EXT-X-DISCONTINUITY).
	discontinuity bool
	parts         []*part // nil without parts (MPEG-TS)
	file          *file
}
