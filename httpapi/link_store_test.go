package httpapi

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

func newLinkStore(t testing.TB) *LinkStore {
	t.Helper()
	s := &LinkStore{Path: filepath.Join(t.TempDir(), "data", LinksFile)}
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	return s
}

// TestLinkStoreConcurrent: stores of their own on one file (the server's
// and `llcast link` commands) all add at once: no link is lost.
func TestLinkStoreConcurrent(t *testing.T) {
	path := newLinkStore(t).Path
	const writers, each = 8, 5
	var wg sync.WaitGroup
	ids := make(chan string, writers*each)
	errs := make(chan error, writers)
	for range writers {
		wg.Go(func() {
			s := &LinkStore{Path: path}
			for range each {
				l, err := s.New("main", "alice", "", time.Hour, time.Now())
				if err != nil {
					errs <- err
					return
				}
				ids <- l.ID
			}
		})
	}
	wg.Wait()
	close(ids)
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	all, err := (&LinkStore{Path: path}).List()
	if err != nil {
		t.Fatal(err)
	}
	for id := range ids {
		if !slices.ContainsFunc(all, func(l Link) bool { return l.ID == id }) {
			t.Errorf("link %s was lost (the file holds %d of %d)", id, len(all), writers*each)
		}
	}
}

// TestLinkStoreRevokeWhileCreating: the CLI revokes links while the
// server creates others; every revocation holds, in the file and in the
// server's view, and every created link is kept.
func TestLinkStoreRevokeWhileCreating(t *testing.T) {
	server := newLinkStore(t)
	const rounds = 20
	created := make(chan string, 4*rounds)
	stop := make(chan struct{})
	serverErr := make(chan error, 1)
	go func() {
		defer close(created)
		for {
			select {
			case <-stop:
				serverErr <- nil
				return
			default:
			}
			l, err := server.New("main", "alice", "", time.Hour, time.Now())
			if err != nil {
				serverErr <- err
				return
			}
			select {
			case created <- l.ID:
			case <-stop:
				serverErr <- nil
				return
			}
		}
	}()
	var revoked []string
	for range rounds {
		id, ok := <-created
		if !ok {
			break
		}
		cli := &LinkStore{Path: server.Path}
		if n, err := cli.Revoke(id); err != nil || n != 1 {
			t.Fatalf("revoke %s: %d, %v", id, n, err)
		}
		revoked = append(revoked, id)
	}
	close(stop)
	if err := <-serverErr; err != nil {
		t.Fatal(err)
	}
	all, err := (&LinkStore{Path: server.Path}).List()
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range revoked {
		if server.Active(id) {
			t.Errorf("link %s is active in the server after its revocation", id)
		}
		i := slices.IndexFunc(all, func(l Link) bool { return l.ID == id })
		if i < 0 || !all[i].Revoked {
			t.Errorf("link %s is not revoked in the file", id)
		}
	}
	for id := range created { // made but not revoked: still there, active
		if !server.Active(id) {
			t.Errorf("link %s was lost", id)
		}
	}
}

func TestLinkStoreRevoke(t *testing.T) {
	s := newLinkStore(t)
	a, err := s.New("main", "alice", "", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Revoke("nope"); !errors.Is(err, ErrNoLink) {
		t.Fatalf("revoking an unknown link: %v, want ErrNoLink", err)
	}
	if n, err := s.Revoke("all"); err != nil || n != 1 || s.Active(a.ID) {
		t.Fatalf("revoke all: %d, %v, active %v", n, err, s.Active(a.ID))
	}
	before, _ := os.Stat(s.Path)
	if n, err := s.Revoke("all"); err != nil || n != 0 {
		t.Fatalf("revoke all again: %d, %v", n, err)
	}
	if after, _ := os.Stat(s.Path); !os.SameFile(before, after) {
		t.Fatal("revoking nothing rewrote the file")
	}
}

var brokenLinkFiles = []struct{ name, content, want string }{
	{"not JSON", "{oops", "invalid character"},
	{"not a list", `{"id":"a"}`, "cannot unmarshal"},
	{"bad time", `[{"id":"a","stream":"main","expires":"soon"}]`, "cannot parse"},
	{"no id", `[{"stream":"main"}]`, "no id"},
	{"no stream", `[{"id":"a"}]`, "names no stream"},
	{"twice", `[{"id":"a","stream":"main"},{"id":"a","stream":"main","revoked":true}]`, "twice"},
}

// TestLinkStoreBrokenFile: a broken file is an error naming it at load,
// and is never written over; a running server keeps the links it had.
func TestLinkStoreBrokenFile(t *testing.T) {
	for _, c := range brokenLinkFiles {
		t.Run(c.name, func(t *testing.T) {
			s := newLinkStore(t)
			l, err := s.New("main", "alice", "", time.Hour, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(s.Path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			fresh := &LinkStore{Path: s.Path}
			if err := fresh.Load(); err == nil || !strings.Contains(err.Error(), s.Path) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Load: %v, want an error naming %s and saying %q", err, s.Path, c.want)
			}
			if _, err := s.List(); err == nil {
				t.Fatal("List on a broken file: no error")
			}
			if !s.Active(l.ID) {
				t.Fatal("a broken file must keep the links the server had")
			}
			if _, err := s.New("main", "alice", "", time.Hour, time.Now()); err == nil {
				t.Fatal("New over a broken file worked")
			}
			if _, err := s.Revoke("all"); err == nil {
				t.Fatal("Revoke over a broken file worked")
			}
			if raw, _ := os.ReadFile(s.Path); string(raw) != c.content {
				t.Fatalf("the broken file was written over: %q", raw)
			}
		})
	}
}

// FuzzLinkStoreFile feeds bytes as links.json: loading never panics, and
// either works or says which file is wrong; a store that loaded keeps
// working, and one that did not refuses to write.
func FuzzLinkStoreFile(f *testing.F) {
	for _, c := range []string{
		``, `[]`, `null`, `{}`, `[{}]`,
		`[{"id":"0011223344556677","stream":"main","subject":"alice","label":"TV","created":"2026-01-02T03:04:05Z","expires":"2099-01-02T03:04:05Z"}]`,
		`[{"id":"a","stream":"main","expires":"2000-01-01T00:00:00Z","revoked":true},{"id":"b","stream":"x"}]`,
		`[{"id":"a","stream":"main"}] trailing`,
	} {
		f.Add([]byte(c))
	}
	for _, c := range brokenLinkFiles {
		f.Add([]byte(c.content))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(t.TempDir(), LinksFile)
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &LinkStore{Path: path}
		if err := s.Load(); err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("the error %q does not name the file", err)
			}
			if _, err := s.New("main", "fuzz", "", time.Hour, time.Now()); err == nil {
				t.Fatal("New over a file that does not load worked")
			}
			return
		}
		all, err := s.List()
		if err != nil {
			t.Fatal(err)
		}
		if err := checkLinks(all); err != nil {
			t.Fatalf("loaded bad links: %v", err)
		}
		_ = s.Active("0011223344556677")
		l, err := s.New("main", "fuzz", "", time.Hour, time.Now())
		if err != nil || !s.Active(l.ID) {
			t.Fatalf("New after a good load: %v", err)
		}
		if _, err := s.Revoke(l.ID); err != nil || s.Active(l.ID) {
			t.Fatalf("Revoke after a good load: %v", err)
		}
	})
}
