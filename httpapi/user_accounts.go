package httpapi

import (
	"cmp"
	"errors"
	"fmt"
	"slices"
	"time"
)

// Errors of the user store's changes.
var (
	// ErrUnknownUser: the name is no account.
	ErrUnknownUser = errors.New("no such user")
	// ErrLastAdmin: the change would leave nobody who may open the
	// studio. Its text completes "user NAME".
	ErrLastAdmin = errors.New("is the last admin")
)

// Get returns the user called name, as the file holds it now.
func (s *UserStore) Get(name string) (User, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return User{}, false, err
	}
	i := slices.IndexFunc(s.users, func(u User) bool { return u.Name == name })
	if i < 0 {
		return User{}, false, nil
	}
	return s.users[i], true, nil
}

// List returns the users by name, as the file holds them now.
func (s *UserStore) List() ([]User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.refresh(); err != nil {
		return nil, err
	}
	return slices.SortedFunc(slices.Values(s.users), func(a, b User) int { return cmp.Compare(a.Name, b.Name) }), nil
}

// SetPassword gives name a new password and ends their sessions; their
// role and streams stay.
func (s *UserStore) SetPassword(name, password string) error {
	hash, err := s.hash(password)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(users []User) ([]User, error) {
		i := slices.IndexFunc(users, func(u User) bool { return u.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("user %q: %w", name, ErrUnknownUser)
		}
		users[i].Hash = hash
		users[i].SessionsValidAfter = sessionsEnd(users[i].SessionsValidAfter, time.Now())
		return users, nil
	})
}

// Remove removes name, which ends their sessions and stops the links
// they made (TokenAuth refuses a link whose creator is gone; the caller
// revokes them too, LinkStore.RevokeBy). It refuses to remove the last
// admin.
func (s *UserStore) Remove(name string) (User, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var removed User
	err := s.update(func(users []User) ([]User, error) {
		i := slices.IndexFunc(users, func(u User) bool { return u.Name == name })
		if i < 0 {
			return nil, fmt.Errorf("user %q: %w", name, ErrUnknownUser)
		}
		removed = users[i]
		users = slices.Delete(users, i, i+1)
		if removed.Role == RoleAdmin && !slices.ContainsFunc(users, func(u User) bool { return u.Role == RoleAdmin }) {
			return nil, fmt.Errorf("user %q %w", name, ErrLastAdmin)
		}
		return users, nil
	})
	if err != nil {
		return User{}, err
	}
	return removed, nil
}
