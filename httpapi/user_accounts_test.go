package httpapi

import (
	"errors"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"
)

func newUserStore(t *testing.T) *UserStore {
	t.Helper()
	return &UserStore{Path: filepath.Join(t.TempDir(), UsersFile), cost: bcrypt.MinCost}
}

// TestUserSetPassword: a new password keeps the role and the streams and
// ends the sessions.
func TestUserSetPassword(t *testing.T) {
	s := newUserStore(t)
	if err := s.Put("bob", RoleViewer, "old password", "main", "stage"); err != nil {
		t.Fatal(err)
	}
	before, _, _ := s.Get("bob")
	if err := s.SetPassword("bob", "new password"); err != nil {
		t.Fatal(err)
	}
	after, ok, err := s.Get("bob")
	if err != nil || !ok || after.Role != RoleViewer || !slices.Equal(after.Streams, []string{"main", "stage"}) ||
		!after.SessionsValidAfter.After(before.SessionsValidAfter) {
		t.Fatalf("after passwd: %+v (before %+v), %v", after, before, err)
	}
	if _, err := s.Authenticate("bob", "old password"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("the old password: %v", err)
	}
	if _, err := s.Authenticate("bob", "new password"); err != nil {
		t.Fatalf("the new password: %v", err)
	}
	for _, c := range []struct {
		name, password string
		want           error
	}{
		{"carol", "long enough", ErrUnknownUser},
		{"bob", "short", nil},
	} {
		if err := s.SetPassword(c.name, c.password); err == nil || (c.want != nil && !errors.Is(err, c.want)) {
			t.Errorf("SetPassword(%q, %q) = %v, want %v", c.name, c.password, err, c.want)
		}
	}
}

// TestUserRemove: removal takes the record away, never the last admin.
func TestUserRemove(t *testing.T) {
	s := newUserStore(t)
	for name, role := range map[string]string{"root": RoleAdmin, "bob": RoleViewer} {
		if err := s.Put(name, role, "long enough"); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Remove("root"); !errors.Is(err, ErrLastAdmin) {
		t.Fatalf("removing the last admin: %v, want ErrLastAdmin", err)
	}
	if _, err := s.Remove("carol"); !errors.Is(err, ErrUnknownUser) {
		t.Fatalf("removing nobody: %v, want ErrUnknownUser", err)
	}
	if u, err := s.Remove("bob"); err != nil || u.Name != "bob" || u.Role != RoleViewer {
		t.Fatalf("Remove(bob) = %+v, %v", u, err)
	}
	if err := s.Put("admin2", RoleAdmin, "long enough"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remove("root"); err != nil {
		t.Fatalf("removing an admin with another left: %v", err)
	}
	users, err := s.List()
	if err != nil || len(users) != 1 || users[0].Name != "admin2" {
		t.Fatalf("List = %+v, %v", users, err)
	}
}

func TestUserList(t *testing.T) {
	s := newUserStore(t)
	for _, name := range []string{"zoe", "alice", "mia"} {
		if err := s.Put(name, RoleViewer, "long enough"); err != nil {
			t.Fatal(err)
		}
	}
	users, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, u := range users {
		names = append(names, u.Name)
	}
	if !slices.Equal(names, []string{"alice", "mia", "zoe"}) {
		t.Fatalf("List names = %v", names)
	}
}

// TestUserPutEndsSessions: adding a user, and each Put to one, moves
// sessions_valid_after on; "cli" is no user name to take.
func TestUserPutEndsSessions(t *testing.T) {
	s := newUserStore(t)
	start := time.Now()
	if err := s.Put("bob", RoleViewer, "long enough"); err != nil {
		t.Fatal(err)
	}
	added, _, _ := s.Get("bob")
	if added.SessionsValidAfter.Before(start) {
		t.Fatalf("a new user's sessions_valid_after %v is before the add", added.SessionsValidAfter)
	}
	if err := s.Put("bob", RoleViewer, "long enough"); err != nil {
		t.Fatal(err)
	}
	if again, _, _ := s.Get("bob"); !again.SessionsValidAfter.After(added.SessionsValidAfter) {
		t.Fatalf("Put did not move sessions_valid_after: %v then %v", added.SessionsValidAfter, again.SessionsValidAfter)
	}
	if err := s.Put(CLILinkSubject, RoleViewer, "long enough"); err == nil {
		t.Fatal("a user named like llcast link's links was added")
	}
	if err := s.EndSessions("nobody", time.Now()); err != nil {
		t.Fatalf("ending the sessions of nobody: %v", err)
	}
}
