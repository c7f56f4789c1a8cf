package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/llcast/llcast/httpapi/auth"
)

// Roles a user can have.
const (
	RoleAdmin  = "admin"
	RoleViewer = "viewer"
)

// UsersFile is the name of the user store inside the data directory.
const UsersFile = "users.json"

// MinPasswordLength is the shortest password `user add` accepts.
const MinPasswordLength = 8

// ErrBadCredentials is returned for an unknown user or a wrong password;
// callers must not tell the two apart to the client.
var ErrBadCredentials = errors.New("wrong username or password")

var validName = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$`)

// User is one account. Only the bcrypt hash of its password is kept.
type User struct {
	Name string `json:"name"`
	Role string `json:"role"`
	Hash string `json:"hash"`
	// Streams the user may watch; empty means all. Admins may watch all
	// and have none.
	Streams []string `json:"streams,omitempty"`
	// SessionsValidAfter ends the sessions issued until then (to the
	// millisecond): logout, a new password, a new role or new streams,
	// and adding the user move it forward. Zero: none ended.
	SessionsValidAfter time.Time `json:"sessions_valid_after,omitzero"`
}

// UserStore keeps the accounts in a JSON file (mode 0600) in the data
// directory, and sees changes another process (`llcast user add` while
// the server runs) makes at the next call. It is safe for concurrent use,
// and any number of stores, in this process or others, may change one
// file: each change is made under the file's lock to what the file holds
// then (auth.JSONFile.Update).
type UserStore struct {
	// Path of the file. Required.
	Path string

	mu    sync.Mutex // guards users and file
	users []User
	file  auth.JSONFile
	cost  int // bcrypt cost of new hashes; 0 is bcrypt.DefaultCost (tests lower it)

	// view is users as CheckToken reads them, replaced (never changed)
	// whenever users is; checked is when CheckToken last looked at the
	// file (Unix ns). Both are atomic: requests read them without mu.
	view    atomic.Pointer[userView]
	checked atomic.Int64
}

// dummyHash is compared against when the user does not exist, so that a
// wrong name costs as much time as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("llcast-dummy-password"), bcrypt.DefaultCost)
	return h
})

// Load reads the file; a missing file is an empty store. A file that does
// not decode, or holds a user that could not have been added, is an error
// naming it.
func (s *UserStore) Load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refresh()
}

func (s *UserStore) init() {
	if s.file.Path == "" {
		s.file = auth.JSONFile{Path: s.Path, What: "users"}
	}
}

// refresh reloads the file when another process has changed it: one stat
// otherwise. A broken file keeps the users we had.
func (s *UserStore) refresh() error {
	s.init()
	var users []User
	changed, err := s.file.ReadIfChanged(&users)
	if err != nil || !changed {
		return err
	}
	if err := checkUsers(users); err != nil {
		return s.file.Corrupt(err)
	}
	s.setUsers(users)
	return nil
}

// setUsers keeps users, and their view for CheckToken. The caller holds
// s.mu.
func (s *UserStore) setUsers(users []User) {
	s.users = users
	v := newUserView(users)
	s.view.Store(&v)
}

// checkUsers returns what is wrong with the users a file holds.
func checkUsers(users []User) error {
	seen := make(map[string]bool, len(users))
	for i, u := range users {
		switch {
		case !validName.MatchString(u.Name):
			return fmt.Errorf("user %d: invalid name %.70q", i+1, u.Name)
		case seen[u.Name]:
			return fmt.Errorf("user %s is there twice", u.Name)
		case u.Role != RoleAdmin && u.Role != RoleViewer:
			return fmt.Errorf("user %s: invalid role %.20q", u.Name, u.Role)
		case u.Hash == "":
			return fmt.Errorf("user %s has no password hash", u.Name)
		}
		for _, st := range u.Streams {
			if err := auth.CheckStreamName(st); err != nil {
				return fmt.Errorf("user %s: %w", u.Name, err)
			}
		}
		seen[u.Name] = true
	}
	return nil
}

// update changes the users as the file holds them now, under its lock,
// to what change returns, and keeps the result. The caller holds s.mu.
func (s *UserStore) update(change func([]User) ([]User, error)) error {
	s.init()
	var users []User
	err := s.file.Update(&users, func() error {
		if err := checkUsers(users); err != nil {
			return s.file.Corrupt(err)
		}
		s.setUsers(users) // the newest, whether change takes it or not
		next, err := change(slices.Clone(users))
		if err != nil {
			return err
		}
		users = next
		return nil
	})
	if err == nil {
		s.setUsers(users)
	}
	return err
}

// Len returns the number of users.
func (s *UserStore) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.users)
}

// Put adds a user or replaces the password, role and streams of an
// existing one, ending their sessions. streams limits a viewer to those
// streams; none means all.
func (s *UserStore) Put(name, role, password string, streams ...string) error {
	if err := checkName(name); err != nil {
		return err
	}
	if role != RoleAdmin && role != RoleViewer {
		return fmt.Errorf("invalid role %q: use %s or %s", role, RoleAdmin, RoleViewer)
	}
	if role == RoleAdmin && len(streams) > 0 {
		return errors.New("an admin may watch every stream: give streams to viewers only")
	}
	for _, st := range streams {
		if err := auth.CheckStreamName(st); err != nil {
			return err
		}
	}
	streams = slices.Compact(slices.Sorted(slices.Values(streams)))
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	u := User{Name: name, Role: role, Hash: hash, Streams: streams}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(users []User) ([]User, error) {
		now := time.Now()
		for i := range users {
			if users[i].Name == name {
				u.SessionsValidAfter = sessionsEnd(users[i].SessionsValidAfter, now)
				users[i] = u
				return users, nil
			}
		}
		if name == CLILinkSubject {
			return nil, fmt.Errorf("%q names the links made with `llcast link`: pick another user name", name)
		}
		// A user removed and added again does not get the old sessions back.
		u.SessionsValidAfter = now.UTC()
		return append(users, u), nil
	})
}

// checkName returns what is wrong with a new user name.
func checkName(name string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("invalid user name %q: use 1 to 64 letters, digits, '.', '_', '@' or '-'", name)
	}
	return nil
}

// hash checks the length of a new password and hashes it.
func (s *UserStore) hash(password string) (string, error) {
	if len(password) < MinPasswordLength {
		return "", fmt.Errorf("password too short: use at least %d characters", MinPasswordLength)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), cmp.Or(s.cost, bcrypt.DefaultCost))
	if err != nil {
		return "", fmt.Errorf("hashing password: %w", err)
	}
	return string(hash), nil
}

// Authenticate returns the user when the password matches.
func (s *UserStore) Authenticate(name, password string) (User, error) {
	s.mu.Lock()
	if err := s.refresh(); err != nil {
		s.mu.Unlock()
		return User{}, err
	}
	var found *User
	for i := range s.users {
		if s.users[i].Name == name {
			u := s.users[i]
			found = &u
		}
	}
	s.mu.Unlock()
	if found == nil {
		_ = bcrypt.CompareHashAndPassword(dummyHash(), []byte(password))
		return User{}, ErrBadCredentials
	}
	if bcrypt.CompareHashAndPassword([]byte(found.Hash), []byte(password)) != nil {
		return User{}, ErrBadCredentials
	}
	return *found, nil
}
