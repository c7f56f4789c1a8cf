package segmenter

import (
	"fmt"
	"net/http"
	"sort"
	"sync"
)

// Registry holds what is on the air by name: live Streams, and the
// handlers of on-demand files. It is safe for concurrent use.
type Registry struct {
	mu      sync.RWMutex // guards entries
	entries map[string]http.Handler
}

// Add registers a started stream. Names are unique.
func (r *Registry) Add(s *Stream) error { return r.AddHandler(s.Name, s) }

// AddHandler registers the handler of a stream that is not a Stream, such
// as a file served on demand. Names are unique.
func (r *Registry) AddHandler(name string, h http.Handler) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries == nil {
		r.entries = make(map[string]http.Handler)
	}
	if _, ok := r.entries[name]; ok {
		return fmt.Errorf("a stream named %q is already live", name)
	}
	r.entries[name] = h
	return nil
}

// Remove unregisters the stream with that name, if it is s.
func (r *Registry) Remove(s *Stream) { r.RemoveHandler(s.Name, s) }

// RemoveHandler unregisters name, if its handler is h.
func (r *Registry) RemoveHandler(name string, h http.Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.entries[name] == h {
		delete(r.entries, name)
	}
}

// Get returns the live Stream with that name, or nil.
func (r *Registry) Get(name string) *Stream {
	r.mu.RLock()
	defer r.mu.RUnlock()
	s, _ := r.entries[name].(*Stream)
	return s
}

// Handler returns the HTTP handler of the stream with that name.
func (r *Registry) Handler(name string) (http.Handler, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	h, ok := r.entries[name]
	return h, ok
}

// Names lists what is on the air, sorted.
func (r *Registry) Names() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	names := make([]string, 0, len(r.entries))
	for n := range r.entries {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
