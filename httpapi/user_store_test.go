package httpapi

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

func TestUserStore(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", UsersFile)
	s := &UserStore{Path: path}
	if err := s.Load(); err != nil || s.Len() != 0 {
		t.Fatalf("missing file: %v, %d users", err, s.Len())
	}
	if err := s.Put("alice", RoleAdmin, "s3cret-pass"); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("users file: %v, mode %v, want 0600", err, st.Mode())
	}
	raw, _ := os.ReadFile(path)
	if strings.Contains(string(raw), "s3cret-pass") || !strings.Contains(string(raw), "$2a$") {
		t.Fatalf("file should hold a bcrypt hash only:\n%s", raw)
	}

	if u, err := s.Authenticate("alice", "s3cret-pass"); err != nil || u.Role != RoleAdmin {
		t.Fatalf("good password: %+v, %v", u, err)
	}
	for _, c := range [][2]string{{"alice", "wrong-pass"}, {"bob", "s3cret-pass"}, {"", ""}} {
		if _, err := s.Authenticate(c[0], c[1]); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Authenticate(%q, %q) = %v, want ErrBadCredentials", c[0], c[1], err)
		}
	}

	// Another process (llcast user add) changes the file: seen without restart.
	other := &UserStore{Path: path}
	if err := other.Load(); err != nil {
		t.Fatal(err)
	}
	if err := other.Put("alice", RoleViewer, "new-password"); err != nil {
		t.Fatal(err)
	}
	if u, err := s.Authenticate("alice", "new-password"); err != nil || u.Role != RoleViewer {
		t.Fatalf("after another process changed the password: %+v, %v", u, err)
	}
}

func TestUserStorePutValidates(t *testing.T) {
	s := &UserStore{Path: filepath.Join(t.TempDir(), UsersFile)}
	cases := []struct{ name, role, password, want string }{
		{"", RoleViewer, "long enough", "user name"},
		{"a b", RoleViewer, "long enough", "user name"},
		{"bob", "root", "long enough", "role"},
		{"bob", RoleViewer, "short", "too short"},
	}
	for _, c := range cases {
		if err := s.Put(c.name, c.role, c.password); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Put(%q, %q): %v, want an error about %s", c.name, c.role, err, c.want)
		}
	}
}

func TestSigningKeyPersists(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	k1, err := LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, KeyFile))
	if err != nil || st.Mode().Perm() != 0o600 || len(k1) != 32 {
		t.Fatalf("key file: %v, mode %v, %d bytes", err, st.Mode(), len(k1))
	}
	k2, err := LoadOrCreateKey(dir)
	if err != nil || string(k1) != string(k2) {
		t.Fatal("a restart must reuse the key, or everyone is logged out")
	}
	if err := os.WriteFile(filepath.Join(dir, KeyFile), []byte("short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(dir); err == nil || !strings.Contains(err.Error(), "delete it") {
		t.Fatalf("short key: %v", err)
	}
}

func TestUserStoreGrants(t *testing.T) {
	s := &UserStore{Path: filepath.Join(t.TempDir(), UsersFile)}
	asked := []string{"main", "backstage", "main"}
	if err := s.Put("bob", RoleViewer, "long enough", asked...); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(asked, []string{"main", "backstage", "main"}) {
		t.Fatalf("Put changed its argument: %v", asked)
	}
	if err := s.Put("carol", RoleViewer, "long enough"); err != nil {
		t.Fatal(err)
	}
	bob, err := s.Authenticate("bob", "long enough")
	if err != nil || !slices.Equal(bob.Streams, []string{"backstage", "main"}) {
		t.Fatalf("bob: %+v, %v", bob, err)
	}
	if carol, err := s.Authenticate("carol", "long enough"); err != nil || carol.Streams != nil {
		t.Fatalf("carol, without grants: %+v, %v", carol, err)
	}
	raw, _ := os.ReadFile(s.Path)
	if strings.Count(string(raw), `"streams"`) != 1 {
		t.Fatalf("only bob has grants in the file:\n%s", raw)
	}
	for _, c := range []struct {
		role    string
		streams []string
		want    string
	}{
		{RoleViewer, []string{"Main"}, "invalid stream name"},
		{RoleViewer, []string{""}, "invalid stream name"},
		{RoleAdmin, []string{"main"}, "admin may watch every stream"},
	} {
		if err := s.Put("eve", c.role, "long enough", c.streams...); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Put(%s, %v) = %v, want %q", c.role, c.streams, err, c.want)
		}
	}
}

// TestUserStoreWithoutGrants: a users file written before grants existed
// still works, and its users may watch every stream.
func TestUserStoreWithoutGrants(t *testing.T) {
	path := filepath.Join(t.TempDir(), UsersFile)
	hash, err := bcrypt.GenerateFromPassword([]byte("long enough"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	old := `[{"name":"alice","role":"viewer","hash":"` + string(hash) + `"}]`
	if err := os.WriteFile(path, []byte(old), 0o600); err != nil {
		t.Fatal(err)
	}
	s := &UserStore{Path: path}
	if err := s.Load(); err != nil {
		t.Fatal(err)
	}
	u, err := s.Authenticate("alice", "long enough")
	if err != nil || u.Streams != nil {
		t.Fatalf("alice: %+v, %v", u, err)
	}
}

// TestUserStoreConcurrent: stores of their own on one file (the server's
// first admin and `llcast user add` commands) all add at once: no user is
// lost.
func TestUserStoreConcurrent(t *testing.T) {
	path := filepath.Join(t.TempDir(), UsersFile)
	const writers, each = 8, 5
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for i := range writers {
		wg.Go(func() {
			s := &UserStore{Path: path, cost: bcrypt.MinCost}
			if err := s.Load(); err != nil {
				errs <- err
				return
			}
			for j := range each {
				if err := s.Put(fmt.Sprintf("user%d-%d", i, j), RoleViewer, "long enough"); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	s := &UserStore{Path: path}
	if err := s.Load(); err != nil || s.Len() != writers*each {
		t.Fatalf("the file holds %d of %d users: %v", s.Len(), writers*each, err)
	}
}

var brokenUserFiles = []struct{ name, content, want string }{
	{"not JSON", "{oops", "invalid character"},
	{"not a list", `{"name":"alice"}`, "cannot unmarshal"},
	{"bad name", `[{"name":"a b","role":"viewer","hash":"x"}]`, "invalid name"},
	{"bad role", `[{"name":"alice","role":"root","hash":"x"}]`, "invalid role"},
	{"no hash", `[{"name":"alice","role":"viewer"}]`, "no password hash"},
	{"bad grant", `[{"name":"alice","role":"viewer","hash":"x","streams":["A B"]}]`, "invalid stream name"},
	{"twice", `[{"name":"alice","role":"viewer","hash":"x"},{"name":"alice","role":"admin","hash":"y"}]`, "twice"},
}

// TestUserStoreBrokenFile: a broken file is an error naming it, at every
// load and change, and is never written over.
func TestUserStoreBrokenFile(t *testing.T) {
	for _, c := range brokenUserFiles {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), UsersFile)
			if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
				t.Fatal(err)
			}
			s := &UserStore{Path: path, cost: bcrypt.MinCost}
			for range 2 { // reported every time, not once
				if err := s.Load(); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("Load: %v, want an error naming %s and saying %q", err, path, c.want)
				}
			}
			if err := s.Put("bob", RoleViewer, "long enough"); err == nil || !strings.Contains(err.Error(), path) {
				t.Fatalf("Put over a broken file: %v", err)
			}
			if raw, _ := os.ReadFile(path); string(raw) != c.content {
				t.Fatalf("the broken file was written over: %q", raw)
			}
		})
	}
}

// FuzzUserStoreFile feeds bytes as users.json: loading never panics, and
// either works or says which file is wrong.
func FuzzUserStoreFile(f *testing.F) {
	for _, c := range []string{
		``, `[]`, `null`, `{}`, `[{}]`,
		`[{"name":"admin","role":"admin","hash":"$2a$10$abcdefghijklmnopqrstuuabcdefghijklmnopqrstuvwxyz01234"}]`,
		`[{"name":"bob","role":"viewer","hash":"x","streams":["main","stage"]}]`,
		`[{"name":"bob","role":"viewer","hash":"x"}] trailing`,
	} {
		f.Add([]byte(c))
	}
	for _, c := range brokenUserFiles {
		f.Add([]byte(c.content))
	}
	f.Fuzz(func(t *testing.T, file []byte) {
		path := filepath.Join(t.TempDir(), UsersFile)
		if err := os.WriteFile(path, file, 0o600); err != nil {
			t.Fatal(err)
		}
		s := &UserStore{Path: path}
		if err := s.Load(); err != nil {
			if !strings.Contains(err.Error(), path) {
				t.Fatalf("the error %q does not name the file", err)
			}
			if s.Len() != 0 {
				t.Fatalf("a file that does not load gave %d users", s.Len())
			}
			return
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		if err := checkUsers(s.users); err != nil {
			t.Fatalf("loaded bad users: %v", err)
		}
	})
}
