package httpapi

import (
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sync"

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
}

// UserStore keeps the accounts in a JSON file (mode 0600) in the data
// directory. It is safe for concurrent use.
type UserStore struct {
	// Path of the file. Required.
	Path string

	mu    sync.Mutex // guards users and file
	users []User
	file  auth.JSONFile
}

// dummyHash is compared against when the user does not exist, so that a
// wrong name costs as much time as a wrong password.
var dummyHash = sync.OnceValue(func() []byte {
	h, _ := bcrypt.GenerateFromPassword([]byte("llcast-dummy-password"), bcrypt.DefaultCost)
	return h
})

// Load reads the file; a missing file is an empty store.
func (s *UserStore) Load() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.load()
}

// load rereads the file.
func (s *UserStore) load() error {
	s.file = auth.JSONFile{Path: s.Path, What: "users"}
	return s.refresh()
}

// refresh reloads the file when another process (`llcast user add` while
// the server runs) has changed it. A broken file keeps the users we had.
func (s *UserStore) refresh() error {
	if s.file.Path == "" {
		s.file = auth.JSONFile{Path: s.Path, What: "users"}
	}
	var users []User
	changed, err := s.file.ReadIfChanged(&users)
	if err == nil && changed {
		s.users = users
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
// existing one. streams limits a viewer to those streams; none means all.
func (s *UserStore) Put(name, role, password string, streams ...string) error {
	if !validName.MatchString(name) {
		return fmt.Errorf("invalid user name %q: use 1 to 64 letters, digits, '.', '_', '@' or '-'", name)
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
	if len(password) < MinPasswordLength {
		return fmt.Errorf("password too short: use at least %d characters", MinPasswordLength)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hashing password: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u := User{Name: name, Role: role, Hash: string(hash), Streams: streams}
	users := append([]User(nil), s.users...)
	replaced := false
	for i := range users {
		if users[i].Name == name {
			users[i], replaced = u, true
		}
	}
	if !replaced {
		users = append(users, u)
	}
	if err := s.save(users); err != nil {
		return err
	}
	return s.load()
}

// save writes the users atomically.
func (s *UserStore) save(users []User) error {
	if s.file.Path == "" {
		s.file = auth.JSONFile{Path: s.Path, What: "users"}
	}
	return s.file.Write(users)
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
