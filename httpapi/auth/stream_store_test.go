package auth

import (
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/llcast/llcast/ingest"
)

func newStore(t testing.TB) *StreamStore {
	t.Helper()
	s := &StreamStore{Path: filepath.Join(t.TempDir(), "data", StreamsFile)}
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	return s
}

func names(t *testing.T, s *StreamStore) string {
	t.Helper()
	all, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, st := range all {
		n = append(n, st.Name+":"+st.Source)
	}
	return strings.Join(n, ",")
}

func TestStreamStoreDefault(t *testing.T) {
	s := newStore(t)
	if got := names(t, s); got != "main:local" {
		t.Fatalf("streams without a file: %s, want main:local", got)
	}
	if st, err := s.Get("main"); err != nil || st.Key != "" {
		t.Fatalf("main: %+v, %v", st, err)
	}
	if _, err := os.Stat(s.Path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("reading wrote the file: %v", err)
	}
	// Removing main sticks: the file, not the default, is the truth.
	if _, err := s.Remove("main"); err != nil {
		t.Fatal(err)
	}
	other := &StreamStore{Path: s.Path}
	if err := other.Load(); err != nil {
		t.Fatal(err)
	}
	if got := names(t, other); got != "" {
		t.Fatalf("after removing main: %q, want no streams", got)
	}
}

func TestStreamStoreAddListRemove(t *testing.T) {
	s := newStore(t)
	clip := filepath.Join(t.TempDir(), "clip.mp4")
	if err := os.WriteFile(clip, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	obs, err := s.Add("obs", SourcePush, "", false)
	if err != nil {
		t.Fatal(err)
	}
	if obs.Key == "" || obs.Created.IsZero() {
		t.Fatalf("new push stream %+v", obs)
	}
	if _, err := s.Add("film", SourceFile, clip, true); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("streams file: %v, mode %v, want 0600", err, st.Mode())
	}
	if got := names(t, s); got != "main:local,obs:push,film:file" {
		t.Fatalf("streams %s", got)
	}
	if film, err := s.Get("film"); err != nil || film.File != clip || !film.VOD || film.Key != "" {
		t.Fatalf("film: %+v, %v", film, err)
	}

	for _, c := range []struct {
		name, source, file string
		vod                bool
		want               string
	}{
		{"obs", SourcePush, "", false, "stream obs exists"},
		{"main", SourcePush, "", false, "stream main exists"},
		{"Bad", SourcePush, "", false, "invalid stream name"},
		{"", SourcePush, "", false, "invalid stream name"},
		{"x", "camera", "", false, "unknown source"},
		{"x", SourcePush, "", true, "VOD"},
		{"x", SourceFile, filepath.Join(t.TempDir(), "nope.mp4"), false, "no such file"},
		{"x", SourceFile, "clip.mp4", false, "absolute"},
		{"x", SourceFile, t.TempDir(), false, "not a regular file"},
	} {
		_, err := s.Add(c.name, c.source, c.file, c.vod)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Add(%q, %q, %q, %v) = %v, want %q", c.name, c.source, c.file, c.vod, err, c.want)
		}
		if strings.Contains(c.want, "exists") && !errors.Is(err, ErrStreamExists) {
			t.Errorf("Add(%q): %v is not ErrStreamExists", c.name, err)
		}
	}

	removed, err := s.Remove("obs")
	if err != nil || removed.Name != "obs" || removed.Key != obs.Key {
		t.Fatalf("Remove: %+v, %v", removed, err)
	}
	if _, err := s.Remove("obs"); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Fatalf("removing it again: %v", err)
	}
	if _, err := s.Get("obs"); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Fatalf("Get after Remove: %v", err)
	}
	if err := s.CheckKey("obs", obs.Key); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Fatalf("the key of a removed stream: %v", err)
	}
	if got := names(t, s); got != "main:local,film:file" {
		t.Fatalf("after Remove: %s", got)
	}
}

func TestStreamStoreKeys(t *testing.T) {
	s := newStore(t)
	seen := map[string]bool{}
	for i := range 20 {
		st, err := s.Add(fmt.Sprintf("s%d", i), SourcePush, "", false)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := hex.DecodeString(st.Key)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("key %q: %d bits, %v", st.Key, len(raw)*8, err)
		}
		if seen[st.Key] {
			t.Fatalf("key %q given twice", st.Key)
		}
		seen[st.Key] = true
	}
	old, _ := s.Get("s0")
	rotated, err := s.RotateKey("s0")
	if err != nil || rotated.Key == old.Key || rotated.Key == "" {
		t.Fatalf("RotateKey: %+v, %v (old key %s)", rotated, err, old.Key)
	}
	if got, _ := s.Get("s0"); got.Key != rotated.Key {
		t.Fatal("the rotated key was not kept")
	}
	if _, err := s.RotateKey("main"); !errors.Is(err, ErrNoKey) {
		t.Fatalf("rotating a local stream's key: %v", err)
	}
	if _, err := s.RotateKey("nope"); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Fatalf("rotating an unknown stream's key: %v", err)
	}
	s1, _ := s.Get("s1")
	for _, c := range []struct {
		name, stream, key string
		want              error
	}{
		{"right key", "s0", rotated.Key, nil},
		{"old key", "s0", old.Key, ingest.ErrBadKey},
		{"another stream's key", "s0", s1.Key, ingest.ErrBadKey},
		{"no key", "s0", "", ingest.ErrBadKey},
		{"a prefix", "s0", rotated.Key[:31], ingest.ErrBadKey},
		{"upper case", "s0", strings.ToUpper(rotated.Key), ingest.ErrBadKey},
		{"unknown stream", "nope", rotated.Key, ingest.ErrUnknownStream},
		{"local stream", "main", "", ingest.ErrUnknownStream},
	} {
		err := s.CheckKey(c.stream, c.key)
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", c.name, err, c.want)
		}
		if err != nil && c.key != "" && strings.Contains(err.Error(), c.key) {
			t.Errorf("%s: the key is in the error %q", c.name, err)
		}
	}
}

// TestStreamStoreSeesOtherProcess: the CLI changes the file while the
// server runs; the server's store sees it at the next call.
func TestStreamStoreSeesOtherProcess(t *testing.T) {
	server := newStore(t)
	cli := &StreamStore{Path: server.Path}
	for range 5 {
		added, err := cli.Add("obs", SourcePush, "", false)
		if err != nil {
			t.Fatal(err)
		}
		if err := server.CheckKey("obs", added.Key); err != nil {
			t.Fatalf("the server did not see the new stream: %v", err)
		}
		// Faster than the clock moves on: the file is replaced all the same.
		rotated, err := cli.RotateKey("obs")
		if err != nil {
			t.Fatal(err)
		}
		if err := server.CheckKey("obs", rotated.Key); err != nil {
			t.Fatalf("the server did not see the rotated key: %v", err)
		}
		if err := server.CheckKey("obs", added.Key); !errors.Is(err, ingest.ErrBadKey) {
			t.Fatalf("the old key still works: %v", err)
		}
		if _, err := cli.Remove("obs"); err != nil {
			t.Fatal(err)
		}
		if err := server.CheckKey("obs", rotated.Key); !errors.Is(err, ingest.ErrUnknownStream) {
			t.Fatalf("the server did not see the removal: %v", err)
		}
	}
}

func TestStreamStoreBrokenFile(t *testing.T) {
	for _, c := range []struct{ name, content, want string }{
		{"not JSON", "{oops", "invalid character"},
		{"not a list", `{"name":"main"}`, "cannot unmarshal"},
		{"bad name", `[{"name":"A B","source":"local"}]`, "invalid stream name"},
		{"push without key", `[{"name":"obs","source":"push"}]`, "publish key"},
		{"twice", `[{"name":"a","source":"local"},{"name":"a","source":"local"}]`, "twice"},
		{"title with an escape", `[{"name":"a","source":"local","title":"\u001b[2J"}]`, "title"},
		{"title too long", `[{"name":"a","source":"local","title":"` + strings.Repeat("é", MaxTitleRunes+1) + `"}]`, "title"},
	} {
		t.Run(c.name, func(t *testing.T) {
			s := newStore(t)
			obs, err := s.Add("obs", SourcePush, "", false)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			all, err := s.List()
			if err == nil || !strings.Contains(err.Error(), s.Path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("List on a broken file: %v, want an error naming %s and saying %q", err, s.Path, c.want)
			}
			if len(all) != 2 {
				t.Fatalf("a broken file must keep the streams we had, got %+v", all)
			}
			if _, err := s.List(); err == nil {
				t.Fatal("a broken file was reported once, then accepted")
			}
			if err := s.CheckKey("obs", obs.Key); err != nil {
				t.Fatalf("publishers are refused while the file is broken: %v", err)
			}
			if _, err := s.Add("other", SourcePush, "", false); err == nil {
				t.Fatal("Add over a broken file reset it")
			}
			fresh := &StreamStore{Path: s.Path}
			if err := fresh.Load(); err == nil || !strings.Contains(err.Error(), s.Path) {
				t.Fatalf("Load of a broken file: %v", err)
			}
		})
	}
}

// TestStreamStoreConcurrent runs the race detector over one store used
// from many goroutines, and stores of their own on the same file (the
// server and `llcast stream add` at once): no addition is lost.
func TestStreamStoreConcurrent(t *testing.T) {
	a := newStore(t)
	const writers, each = 8, 4
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		s := a
		if i%2 == 1 {
			s = &StreamStore{Path: a.Path}
		}
		wg.Go(func() {
			for j := range each {
				name := fmt.Sprintf("g%d-%d", i, j)
				if _, err := s.Add(name, SourcePush, "", false); err != nil {
					errs <- err
					return
				}
				_ = s.CheckKey(name, "x")
				if _, err := s.List(); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	check := &StreamStore{Path: a.Path}
	if err := check.Load(); err != nil {
		t.Fatalf("the file after concurrent writes: %v", err)
	}
	all, _ := check.List()
	if len(all) != 1+writers*each {
		t.Fatalf("the file after concurrent writes holds %d streams, want main and %d added", len(all), writers*each)
	}
	// The store every other goroutine used sees them all too.
	if mine, _ := a.List(); len(mine) != len(all) {
		t.Fatalf("a store sees %d streams, the file holds %d", len(mine), len(all))
	}
}

// TestStreamStoreRemoveKeepsOthersAdditions: a store that last read the
// file before another added a stream does not drop it when it writes.
func TestStreamStoreRemoveKeepsOthersAdditions(t *testing.T) {
	server := newStore(t)
	if _, err := server.Add("a", SourcePush, "", false); err != nil {
		t.Fatal(err)
	}
	cli := &StreamStore{Path: server.Path}
	if _, err := cli.Add("b", SourcePush, "", false); err != nil {
		t.Fatal(err)
	}
	if _, err := server.Remove("a"); err != nil {
		t.Fatal(err)
	}
	fresh := &StreamStore{Path: server.Path}
	if got := names(t, fresh); got != "main:local,b:push" {
		t.Fatalf("streams %s, want main and b", got)
	}
}

func FuzzCheckKey(f *testing.F) {
	s := newStore(f)
	obs, err := s.Add("obs", SourcePush, "", false)
	if err != nil {
		f.Fatal(err)
	}
	f.Add("obs", obs.Key)
	f.Add("obs", "")
	f.Add("obs", obs.Key+"x")
	f.Add("main", "")
	f.Add("", "")
	f.Add("OBS", obs.Key)
	for _, c := range streamNameCases {
		f.Add(c.name, "00000000000000000000000000000000")
	}
	f.Fuzz(func(t *testing.T, name, key string) {
		err := s.CheckKey(name, key)
		switch {
		case name == "obs" && key == obs.Key:
			if err != nil {
				t.Fatalf("the right key was refused: %v", err)
			}
		case name == "obs":
			if !errors.Is(err, ingest.ErrBadKey) {
				t.Fatalf("CheckKey(obs, %q) = %v, want ErrBadKey", key, err)
			}
		default:
			if !errors.Is(err, ingest.ErrUnknownStream) {
				t.Fatalf("CheckKey(%q, %q) = %v, want ErrUnknownStream", name, key, err)
			}
		}
	})
}

// FuzzStreamStoreFile feeds bytes as streams.json: loading never panics,
// and either works or says which file is wrong; a store that loaded
// keeps working.
func FuzzStreamStoreFile(f *testing.F) {
	for _, c := range []string{
		``, `[]`, `null`, `{}`, `[{}]`, `{oops`, `[{"name":"main"}]`,
		`[{"name":"main","source":"local"}]`,
		`[{"name":"obs","source":"push","key":"00112233445566778899aabbccddeeff","created":"2026-01-02T03:04:05Z"}]`,
		`[{"name":"obs","source":"push"}]`,
		`[{"name":"film","source":"file","file":"/srv/film.mp4","vod":true}]`,
		`[{"name":"film","source":"file","file":"film.mp4"}]`,
		`[{"name":"a","source":"local"},{"name":"a","source":"local"}]`,
		`[{"name":"A B","source":"local"}]`,
		`[{"name":"a","source":"local","created":"yesterday"}]`,
		`[{"name":"a","source":"local"}] trailing`,
	} {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(t.TempDir(), StreamsFile)
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &StreamStore{Path: path}
		if err := s.Load(); err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("the error %q does not name the file", err)
			}
			if _, err := s.Add("fuzz", SourcePush, "", false); err == nil {
				t.Fatal("Add over a file that does not load worked")
			}
			return
		}
		all, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range all {
			if err := st.check(); err != nil {
				t.Fatalf("loaded a bad stream: %v", err)
			}
		}
		_ = s.CheckKey("main", "x")
		if _, err := s.Add("fuzz-added", SourcePush, "", false); err != nil && !errors.Is(err, ErrStreamExists) {
			t.Fatalf("Add after a good load: %v", err)
		}
	})
}
