package llhls

import (
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// server answers requests for the files of a muxer's playlists from what
// the muxer's writer published. Its fields are set before the first
// request and not changed after, but for the atomic ones.
type server struct {
	prefix string
	byName map[string]*mediaPlaylist // by rendition
	z      gzipPool
	lead   *mediaPlaylist // the first, which index.m3u8 waits on

	multivariant atomic.Pointer[rendered] // nil until every playlist is ready
	maxWait      atomic.Int64             // 3 target durations, in ns
	// awayUntil, while the source is away, is how long (Unix ns) waiting
	// requests are held past maxWait for it to come back; 0 otherwise.
	awayUntil atomic.Int64

	waiters   waiters    // slots of the requests waiting for media
	refused   refusalLog // of the requests refused a slot
	closed    chan struct{}
	closeOnce sync.Once

	// partServed, when set, is told how late each part is served (see
	// Muxer.PartServed); now tells the time.
	partServed func(late time.Duration)
	now        func() time.Time
}

// refusalLogEvery is the least time between two log lines about refused
// requests.
const refusalLogEvery = 10 * time.Second

// retryAfter is the Retry-After of a refused waiting request, in seconds:
// the least a client can be told. A client's slots free up as the parts it
// waits for come, several times a second with the default parts.
const retryAfter = "1"

func (m *server) init(maxWaiting, perClient int, partServed func(time.Duration), now func() time.Time, log *slog.Logger) {
	m.prefix = randomPrefix()
	m.partServed, m.now = partServed, now
	m.byName = map[string]*mediaPlaylist{}
	m.waiters.init(maxWaiting, perClient)
	m.refused.init(log, refusalLogEvery)
	m.closed = make(chan struct{})
}

// Close ends the stream: the requests waiting for media are answered.
func (m *server) Close() {
	m.closeOnce.Do(func() {
		close(m.closed)
		m.refused.close()
	})
}

// setTarget keeps the longest wait at three target durations.
func (m *server) setTarget(seconds int) {
	m.maxWait.Store(int64(3 * time.Duration(seconds) * time.Second))
}

// SourceAway says that the source has gone and may come back (a
// publisher reconnecting): requests waiting for media are held for up to
// hold from now, rather than answered 503 after three target durations,
// so that players pick the stream up where it was. SourceAway(0) says the
// source is back.
func (m *server) SourceAway(hold time.Duration) {
	if hold <= 0 {
		m.awayUntil.Store(0)
		return
	}
	m.awayUntil.Store(time.Now().Add(hold).UnixNano())
}

// Handle answers a request for name, a file of the stream's folder:
// index.m3u8, a media playlist, an initialization section, a segment or
// a part. A playlist request with _HLS_msn (and _HLS_part) waits for that
// part, and so does a request for a part or segment that is about to
// come (a preload hint); waiting ends with the request's context, with
// Close, or after three target durations with 503 (RFC 8216bis 6.2.5.2).
// A request that would wait beyond MaxWaiting, or beyond its client's
// MaxWaitingPerClient (see WithClient), gets 429 with Retry-After.
// Everything else is answered at once, from what the writer rendered.
func (m *server) Handle(w http.ResponseWriter, r *http.Request, name string) {
	q, err := parseQuery(r.URL.RawQuery)
	if err != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	switch {
	case name == "index.m3u8":
		m.serveMultivariant(w, r, q)
	case strings.HasSuffix(name, ".m3u8"):
		pl := m.byName[strings.TrimSuffix(name, ".m3u8")]
		if pl == nil {
			http.NotFound(w, r)
			return
		}
		m.servePlaylist(w, r, pl, q)
	default:
		f, ok := parseMediaFile(m.prefix, name)
		pl := m.byName[f.rendition]
		if !ok || pl == nil {
			http.NotFound(w, r)
			return
		}
		m.serveFile(w, r, pl, name, f)
	}
}

func (m *server) serveMultivariant(w http.ResponseWriter, r *http.Request, q query) {
	if _, ok := m.await(w, r, m.lead, func(*snapshot) bool { return m.multivariant.Load() != nil }); ok {
		m.multivariant.Load().write(w, r, q.token)
	}
}

func (m *server) servePlaylist(w http.ResponseWriter, r *http.Request, pl *mediaPlaylist, q query) {
	ready := func(s *snapshot) bool { return s.ready }
	if q.msn >= 0 {
		if m.tooFarAhead(pl, pl.current.Load(), q.msn, max(q.part, 0)) {
			http.Error(w, "the requested segment is too far ahead", http.StatusBadRequest)
			return
		}
		ready = func(s *snapshot) bool { return s.ready && s.has(q.msn, q.part) }
	}
	s, ok := m.await(w, r, pl, ready)
	if !ok {
		return
	}
	s.playlist(q.skip).write(w, r, q.token)
}

func (m *server) serveFile(w http.ResponseWriter, r *http.Request, pl *mediaPlaylist, name string, f mediaFile) {
	s := pl.current.Load()
	if file := s.files[name]; file != nil {
		m.serve(w, r, file)
		return
	}
	// The next parts are waited for, as is the segment being written: a
	// preload hint names the next part before it exists.
	switch {
	case f.kind == filePart && pl.lowLatency() && f.n >= s.nextPart && f.n < s.nextPart+advanceParts(pl):
	case f.kind == fileSegment && f.ext == pl.ext && f.n == s.nextMSN:
	default:
		http.NotFound(w, r)
		return
	}
	s, ok := m.await(w, r, pl, func(s *snapshot) bool { return s.files[name] != nil })
	if ok {
		m.serve(w, r, s.files[name])
	}
}

// serve sends a media file and, for a part, tells partServed how late it
// is: now minus the end of its media. A part that a preload hint asked
// for is sent as soon as it is complete, which can be a little before
// its media ends by the capture clock (a frame is stamped when captured,
// and lasts a frame): that counts as not late at all. A HEAD request
// gets no media, and does not count.
func (m *server) serve(w http.ResponseWriter, r *http.Request, f *file) {
	if m.partServed != nil && !f.mediaEnd.IsZero() && r.Method != http.MethodHead {
		m.partServed(max(0, m.now().Sub(f.mediaEnd)))
	}
	f.write(w)
}

// advanceParts is RFC 8216bis 6.2.5.2's Advance Part Limit: how many
// parts past the last one a client may ask for.
func advanceParts(pl *mediaPlaylist) int {
	if pl.partTarget > 0 && pl.partTarget < time.Second {
		return int((3*time.Second + pl.partTarget - 1) / pl.partTarget)
	}
	return 3
}

// tooFarAhead reports whether part of segment msn is further from the end
// of s than a client may ask (RFC 8216bis 6.2.5.2): two segments, or the
// Advance Part Limit.
func (m *server) tooFarAhead(pl *mediaPlaylist, s *snapshot, msn, part int) bool {
	limit := advanceParts(pl)
	switch {
	case msn > s.nextMSN+1:
		return true
	case msn == s.nextMSN+1:
		return part >= limit
	case msn == s.nextMSN:
		return part >= s.parts+limit
	}
	return false
}

// await returns the first snapshot of pl for which ok holds. While there
// is none, it waits for pl to grow, holding one of MaxWaiting slots and
// one of its client's MaxWaitingPerClient (429 when there is none), until
// the client goes away, the muxer closes (404) or three target durations
// pass (503); then it has answered and returns false. A client that goes
// away frees its slots at once.
func (m *server) await(w http.ResponseWriter, r *http.Request, pl *mediaPlaylist, ok func(*snapshot) bool) (*snapshot, bool) {
	s := pl.current.Load()
	if ok(s) {
		return s, true
	}
	client := clientOf(r)
	if err := m.waiters.take(client); err != nil {
		m.refused.add(err)
		w.Header().Set("Retry-After", retryAfter)
		http.Error(w, err.Error(), http.StatusTooManyRequests)
		return nil, false
	}
	defer m.waiters.give(client)
	timeout := time.NewTimer(time.Duration(m.maxWait.Load()))
	defer timeout.Stop()
	for {
		select {
		case <-s.changed:
		case <-m.closed:
			http.Error(w, "the stream has ended", http.StatusNotFound)
			return nil, false
		case <-r.Context().Done():
			return nil, false
		case <-timeout.C:
			if until := m.awayUntil.Load(); until != 0 && time.Until(time.Unix(0, until)) > 0 {
				timeout.Reset(time.Until(time.Unix(0, until)))
				continue
			}
			http.Error(w, "the requested playlist or part is not available yet", http.StatusServiceUnavailable)
			return nil, false
		}
		if s = pl.current.Load(); ok(s) {
			return s, true
		}
	}
}
