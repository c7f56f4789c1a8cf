package httpapi

import (
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/segmenter"
)

// liveStreams is a StreamFinder with the named streams on the air, each
// answering with a playlist.
type liveStreams map[string]bool

func (l liveStreams) Handler(name string) (http.Handler, bool) {
	if !l[name] {
		return nil, false
	}
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "#EXTM3U\n")
	}), true
}

// fakePublishers answers from its function fields and records kicks.
type fakePublishers struct {
	publisher func(stream string) (segmenter.PublisherStatus, bool)
	kick      func(stream string) bool

	mu     sync.Mutex // guards kicked
	kicked []string
}

func (f *fakePublishers) Publisher(stream string) (segmenter.PublisherStatus, bool) {
	if f.publisher == nil {
		return segmenter.PublisherStatus{}, false
	}
	return f.publisher(stream)
}

func (f *fakePublishers) Kick(stream string) bool {
	f.mu.Lock()
	f.kicked = append(f.kicked, stream)
	f.mu.Unlock()
	return f.kick != nil && f.kick(stream)
}

func (f *fakePublishers) kicks() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]string(nil), f.kicked...)
}

// threeStreams fills store with main (local, the default), stage (push)
// and film (a file on demand), and returns stage's key and film's path.
func threeStreams(t *testing.T, store *auth.StreamStore) (key, file string) {
	t.Helper()
	file = filepath.Join(t.TempDir(), "film.mp4")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	stage, err := store.Add("stage", auth.SourcePush, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := store.Add("film", auth.SourceFile, file, true); err != nil {
		t.Fatal(err)
	}
	return stage.Key, file
}
