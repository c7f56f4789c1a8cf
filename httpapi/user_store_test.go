package httpapi

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
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
