package httpapi

import (
	"time"

	"github.com/llcast/llcast/httpapi/auth"
)

// viewRecheck is how often, at most, CheckToken looks whether another
// process (`llcast user …`) changed the file: one stat. Changes this
// store makes itself (logout) count at once.
const viewRecheck = 100 * time.Millisecond

// CheckToken returns why a token with valid signature and claims no
// longer stands (ErrSessionEnded), or nil; see userView.check. TokenAuth
// asks it on every Verify, so it takes no lock and reads the file only
// when it changed, looking at most every 100 ms: a change made with
// `llcast user` reaches a running server within that.
func (s *UserStore) CheckToken(c Claims) error {
	return s.currentView().check(c)
}

// currentView returns the view of the users, first rereading the file
// when viewRecheck has passed and it changed. One request at a time
// rereads; the others use the view they find meanwhile.
func (s *UserStore) currentView() userView {
	now := time.Now().UnixNano()
	last := s.checked.Load()
	if now-last >= int64(viewRecheck) && s.checked.CompareAndSwap(last, now) {
		s.mu.Lock()
		_ = s.refresh() // a broken file keeps the users we had (Load and login report it)
		s.mu.Unlock()
	}
	if v := s.view.Load(); v != nil {
		return *v
	}
	// Never read yet, and another request is reading: wait for it.
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.view.Load() == nil {
		_ = s.refresh()
		s.setUsers(s.users)
	}
	return *s.view.Load()
}

// EndSessions ends every session of name issued before now (logout): it
// moves their sessions_valid_after forward. An unknown name is no error:
// there is no session to end.
func (s *UserStore) EndSessions(name string, now time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.update(func(users []User) ([]User, error) {
		for i := range users {
			if users[i].Name == name {
				users[i].SessionsValidAfter = sessionsEnd(users[i].SessionsValidAfter, now)
				return users, nil
			}
		}
		return nil, auth.ErrUnchanged
	})
}

// sessionsEnd is the new sessions_valid_after of a user whose sessions
// end at now, after prev.
//
// Session tokens carry their issue time to the millisecond (TokenAuth
// Issue), and one stands when it was issued in a later millisecond than
// sessions_valid_after's. So that a login right after a logout works even
// in the same millisecond, Issue dates a token at least one millisecond
// after sessions_valid_after; so that such a token still ends at the next
// logout, that logout moves sessions_valid_after at least one millisecond
// past the last one, hence past every token issued before it.
func sessionsEnd(prev, now time.Time) time.Time {
	return maxTime(now, prev.Add(time.Millisecond)).UTC()
}

func maxTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return b
	}
	return a
}
