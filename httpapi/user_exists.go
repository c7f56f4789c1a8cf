package httpapi

// Exists reports whether name is an account, as of the store's last read
// of its file (Authenticate rereads it when it changed). It costs no
// password hashing: the login form asks it only after Authenticate, to
// decide whether a failed login's name may be logged.
func (s *UserStore) Exists(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.users {
		if u.Name == name {
			return true
		}
	}
	return false
}
