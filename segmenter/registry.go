package segmenter

import (
	"fmt"
	"net/http"
	"sync"
)

// Registry holds the live streams by name. It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex // guards streams
	streams map[string]*Stream
}

// Add registers a started stream. Names are unique.
func (r *Registry) Add(s *Stream) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams == nil {
		r.streams = make(map[string]*Stream)
	}
	if _, ok := r.streams[s.Name]; ok {
		return fmt.Errorf("a stream named %q is already live", s.Name)
	}
	r.streams[s.Name] = s
	return nil
}

// Remove unregisters the stream with that name, if it is s.
func (r *Registry) Remove(s *Stream) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.streams[s.Name] == s {
		delete(r.streams, s.Name)
	}
}

// Get returns the stream with that name, or nil.
func (r *Registry) Get(name string) *Stream {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.streams[name]
}

// Handler returns the HTTP handler of the stream with that name.
func (r *Registry) Handler(name string) (http.Handler, bool) {
	if s := r.Get(name); s != nil {
		return s, true
	}
	return nil, false
}
