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
// truth. It is safe for concurrent use, and any number of stores, in this
// process or others, may change one file: each change is made under the
// file's lock to what the file holds then (JSONFile.Update).
type StreamStore struct {
	// Path of the file. Required.
	Path string

	mu      sync.Mutex // guards streams and file
	streams []Stream
	file    JSONFile
}

// Load reads the file; a missing file holds only DefaultStream. A file
// that does not decode, or holds a stream that could not have been
// added, is an error naming it.
func (s *StreamStore) Load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh()
}

func (s *StreamStore) init() {
	if s.file.Path == "" {
		s.file = JSONFile{Path: s.Path, What: "streams"}
	}
}

// refresh rereads the file when it changed: one stat otherwise. A broken
// file keeps the streams we had.
func (s *StreamStore) refresh() error {
	s.init()
	var streams []Stream
	changed, err := s.file.ReadIfChanged(&streams)
	if err != nil || !changed {
		return err
	}
	if !s.file.Exists() {
		s.streams = []Stream{{Name: DefaultStream, Source: SourceLocal}}
		return nil
	}
	if err := checkStreams(streams); err != nil {
		return s.file.Corrupt(err)
	}
	s.streams = streams
	return nil
}

// checkStreams returns what is wrong with the streams a file holds.
func checkStreams(streams []Stream) error {
	seen := make(map[string]bool, len(streams))
	for i, st := range streams {
		if err := st.check(); err != nil {
			return fmt.Errorf("stream %d: %w", i+1, err)
		}
		if seen[st.Name] {
			return fmt.Errorf("stream %s is there twice", st.Name)
		}
		seen[st.Name] = true
	}
	return nil
}

// update changes the streams as the file holds them now, under its lock,
// to what change returns, and keeps the result. The caller holds s.mu.
func (s *StreamStore) update(change func([]Stream) ([]Stream, error)) error {
	s.init()
	var streams []Stream
	err := s.file.Update(&streams, func() error {
		if !s.file.Exists() {
			streams = []Stream{{Name: DefaultStream, Source: SourceLocal}}
		} else if err := checkStreams(streams); err != nil {
			return s.file.Corrupt(err)
		}
		s.streams = streams // the newest, whether change takes it or not
		next, err := change(slices.Clone(streams))
		if err != nil {
			return err
		}
		if next == nil {
			next = []Stream{} // "[]": no streams, not the default
		}
		streams = next
		return nil
	})
	if err == nil {
		s.streams = streams
	}
	return err
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
	i := indexOf(s.streams, name)
	if i < 0 {
		return Stream{}, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
	}
	return s.streams[i], nil
}

// indexOf returns the index of the stream called name, or -1.
func indexOf(streams []Stream, name string) int {
	return slices.IndexFunc(streams, func(st Stream) bool { return st.Name == name })
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
	err := s.update(func(streams []Stream) ([]Stream, error) {
		if indexOf(streams, name) >= 0 {
			return nil, fmt.Errorf("stream %s %w", name, ErrStreamExists)
		}
		return append(streams, st), nil
	})
	if err != nil {
		return Stream{}, err
	}
	return st, nil
}

// Remove deletes the stream called name and returns it.
func (s *StreamStore) Remove(name string) (Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var old Stream
	err := s.update(func(streams []Stream) ([]Stream, error) {
		i := indexOf(streams, name)
		if i < 0 {
			return nil, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
		}
		old = streams[i]
		return slices.Delete(streams, i, i+1), nil
	})
	if err != nil {
		return Stream{}, err
	}
	return old, nil
}

// RotateKey gives the push stream called name a new key; the old one
// stops working at once. It returns the stream with its new key.
func (s *StreamStore) RotateKey(name string) (Stream, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var rotated Stream
	err := s.update(func(streams []Stream) ([]Stream, error) {
		i := indexOf(streams, name)
		if i < 0 {
			return nil, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
		}
		if streams[i].Source != SourcePush {
			return nil, fmt.Errorf("stream %s %w", name, ErrNoKey)
		}
		streams[i].Key = newKey()
		rotated = streams[i]
		return streams, nil
	})
	if err != nil {
		return Stream{}, err
	}
	return rotated, nil
}

// SetTitle gives the stream called name the title, made plain text by
// CleanTitle; an empty title removes it. It returns the stream as stored.
func (s *StreamStore) SetTitle(name, title string) (Stream, error) {
	title, err := CleanTitle(title)
	if err != nil {
		return Stream{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var titled Stream
	err = s.update(func(streams []Stream) ([]Stream, error) {
		i := indexOf(streams, name)
		if i < 0 {
			return nil, fmt.Errorf("%w %q", ingest.ErrUnknownStream, name)
		}
		streams[i].Title = title
		titled = streams[i]
		return streams, nil
	})
	if err != nil {
		return Stream{}, err
	}
	return titled, nil
}

// CheckKey authorizes a publisher: ingest.ErrUnknownStream when no push
// stream is called name, ingest.ErrBadKey when key is not its key. The
// key is compared in constant time.
func (s *StreamStore) CheckKey(name, key string) error {
	s.mu.Lock()
	_ = s.refresh() // a broken file keeps the keys we had
	i := indexOf(s.streams, name)
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
