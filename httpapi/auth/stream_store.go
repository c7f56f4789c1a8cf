package auth

import (
	"crypto/subtle"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/llcast/llcast/ingest"
)

// StreamsFile is the name of the stream store inside the data directory.
const StreamsFile = "streams.json"

// Errors of the stream store, besides ingest.ErrUnknownStream for a name
// it does not hold.
var (
	// ErrStreamExists: Add was given a name in use. Its text completes
	// "stream NAME".
	ErrStreamExists = errors.New("exists")
	// ErrNoKey: a key was asked of a stream that takes no publishers.
	ErrNoKey = errors.New("has no publish key: only push streams do")
)

// StreamStore keeps the streams in a JSON file (mode 0600) in the data
// directory, and sees changes another process (`llcast stream` while the
// server runs) makes at the next call. Until the file exists it holds
// DefaultStream with the local source; once written, the file is the
// truth. It is safe for concurrent use; two stores writing one file at
// once may lose one of the writes.
type StreamStore struct {
	// Path of the file. Required.
	Path string

	mu      sync.Mutex // guards streams and file
	streams []Stream
	file    JSONFile
}

// Load reads the file; a missing file holds only DefaultStream.
func (s *StreamStore) Load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.file = JSONFile{Path: s.Path, What: "streams"}
	return s.refresh()
}

// refresh rereads the file when it changed: one stat otherwise. A broken
// file keeps the streams we had.
func (s *StreamStore) refresh() error {
	if s.file.Path == "" {
		s.file = JSONFile{Path: s.Path, What: "streams"}
	}
	var streams []Stream
	changed, err := s.file.ReadIfChanged(&streams)
	if err != nil || !changed {
		return err
	}
	if !s.file.Exists() {
		s.streams = []Stream{{Name: DefaultStream, Source: SourceLocal}}
		return nil
	}
	seen := make(map[string]bool, len(streams))
	for i, st := range streams {
		if err := st.check(); err != nil {
			s.file.loaded = false // report it again next time
			return s.file.Corrupt(fmt.Errorf("stream %d: %w", i+1, err))
		}
		if seen[st.Name] {
			s.file.loaded = false
			return s.file.Corrupt(fmt.Errorf("stream %s is there twice", st.Name))
		}
		seen[st.Name] = true
	}
	s.streams = streams
	return nil
}

// List returns the streams in the order they were added. After an error
// (the file is broken) it returns those it had before.
func (s *StreamStore) List() ([]Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.refresh()
	return slices.Clone(s.streams), err
}

// Get returns the stream called name, or an error wrapping
// ingest.ErrUnknownStream.
func (s *StreamStore) Get(name string) (Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Stream{}, err
	}
	i := s.find(name)
	if i < 0 {
		return Stream{}, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
	}
	return s.streams[i], nil
}

func (s *StreamStore) find(name string) int {
	return slices.IndexFunc(s.streams, func(st Stream) bool { return st.Name == name })
}

// Add creates a stream: a push stream gets a new random key; a file
// stream's file (an absolute path) must exist; vod is for file streams
// only.
func (s *StreamStore) Add(name, source, file string, vod bool) (Stream, error) {
	st := Stream{Name: name, Source: source, File: file, VOD: vod, Created: time.Now().UTC().Truncate(time.Second)}
	if source == SourcePush {
		st.Key = newKey()
	}
	if err := st.check(); err != nil {
		return Stream{}, err
	}
	if source == SourceFile {
		if err := CheckStreamFile(file); err != nil {
			return Stream{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Stream{}, err
	}
	if s.find(name) >= 0 {
		return Stream{}, fmt.Errorf("stream %s %w", name, ErrStreamExists)
	}
	return st, s.save(append(slices.Clone(s.streams), st))
}

// Remove deletes the stream called name and returns it.
func (s *StreamStore) Remove(name string) (Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Stream{}, err
	}
	i := s.find(name)
	if i < 0 {
		return Stream{}, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
	}
	old := s.streams[i]
	return old, s.save(slices.Delete(slices.Clone(s.streams), i, i+1))
}

// RotateKey gives the push stream called name a new key; the old one
// stops working at once. It returns the stream with its new key.
func (s *StreamStore) RotateKey(name string) (Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return Stream{}, err
	}
	i := s.find(name)
	if i < 0 {
		return Stream{}, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
	}
	if s.streams[i].Source != SourcePush {
		return Stream{}, fmt.Errorf("stream %s %w", name, ErrNoKey)
	}
	streams := slices.Clone(s.streams)
	streams[i].Key = newKey()
	return streams[i], s.save(streams)
}

// CheckKey authorizes a publisher: ingest.ErrUnknownStream when no push
// stream is called name, ingest.ErrBadKey when key is not its key. The
// key is compared in constant time.
func (s *StreamStore) CheckKey(name, key string) error {
	s.mu.Lock()
	_ = s.refresh() // a broken file keeps the keys we had
	i := s.find(name)
	var want string
	if i >= 0 {
		want = s.streams[i].Key
	}
	s.mu.Unlock()
	if i < 0 || want == "" {
		return fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
	}
	if subtle.ConstantTimeCompare([]byte(key), []byte(want)) != 1 {
		return fmt.Errorf("%w for stream %q", ingest.ErrBadKey, name)
	}
	return nil
}

// save writes streams and reads them back.
func (s *StreamStore) save(streams []Stream) error {
	if streams == nil {
		streams = []Stream{} // "[]": no streams, not the default
	}
	if err := s.file.Write(streams); err != nil {
		return err
	}
	return s.refresh()
}
