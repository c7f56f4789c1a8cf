package segmenter

import (
	"net/http"
	"sync"
	"time"
)

// segmentKeeper keeps copies of the segments a muxer lists, so that they
// can still be served after the muxer forgot them.
//
// RFC 8216 6.2.2: a segment removed from a playlist must stay available
// for its duration plus the longest playlist duration after that, since a
// client may have loaded the playlist just before. gohlslib deletes a
// segment the moment it leaves the playlist. The keeper copies each
// segment the first time a playlist listing it is served (no client can
// know of a segment before that) and keeps it for maxAge or until maxCount
// newer ones came, whichever is first. It knows sizes too, for BANDWIDTH.
type segmentKeeper struct {
	// fetch returns the muxer's own answer for a file name.
	fetch    func(name string) *bufferedResponse
	maxCount int
	maxAge   time.Duration
	now      func() time.Time

	mu    sync.Mutex // guards files and order
	files map[string]*keptSegment
	order []string // names, oldest first
}

// keptSegment is a copy of a segment and the headers it was served with.
type keptSegment struct {
	body        []byte
	contentType string
	cache       string
	added       time.Time
}

func newSegmentKeeper(fetch func(string) *bufferedResponse, maxCount int, maxAge time.Duration) *segmentKeeper {
	return &segmentKeeper{fetch: fetch, maxCount: maxCount, maxAge: maxAge, now: time.Now, files: map[string]*keptSegment{}}
}

// keep copies the segments named that it does not hold yet.
func (k *segmentKeeper) keep(names []string) {
	for _, name := range names {
		k.get(name)
	}
}

// size returns the size of a segment, copying it first if need be; false
// if the muxer does not have it (any more).
func (k *segmentKeeper) size(name string) (int, bool) {
	if seg := k.get(name); seg != nil {
		return len(seg.body), true
	}
	return 0, false
}

// get returns the copy of a segment, made now if there is none yet; nil
// if the muxer does not have the segment.
func (k *segmentKeeper) get(name string) *keptSegment {
	k.mu.Lock()
	seg := k.files[name]
	k.mu.Unlock()
	if seg != nil {
		return seg
	}
	// Copied outside the lock: two requests may copy the same segment at
	// once, which costs a copy and is harmless.
	r := k.fetch(name)
	if r.status != http.StatusOK {
		return nil
	}
	seg = &keptSegment{
		body: r.body, contentType: r.header.Get("Content-Type"), cache: r.header.Get("Cache-Control"), added: k.now(),
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if old := k.files[name]; old != nil {
		return old
	}
	k.files[name] = seg
	k.order = append(k.order, name)
	k.evict(seg.added)
	return seg
}

// evict drops the copies that are too old or too many.
func (k *segmentKeeper) evict(now time.Time) {
	n := 0
	for n < len(k.order) && (len(k.order)-n > k.maxCount || now.Sub(k.files[k.order[n]].added) > k.maxAge) {
		delete(k.files, k.order[n])
		n++
	}
	k.order = append(k.order[:0], k.order[n:]...)
}

// serve answers a request for a segment the muxer no longer has into w;
// it writes nothing when it has no copy either, or only an expired one.
func (k *segmentKeeper) serve(w http.ResponseWriter, name string) {
	k.mu.Lock()
	seg := k.files[name]
	k.mu.Unlock()
	if seg == nil || k.now().Sub(seg.added) > k.maxAge {
		return
	}
	w.Header().Set("Content-Type", seg.contentType)
	if seg.cache != "" {
		w.Header().Set("Cache-Control", seg.cache)
	}
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(seg.body)
}
