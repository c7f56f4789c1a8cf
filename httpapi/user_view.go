package httpapi

import (
	"errors"
	"fmt"
	"slices"
)

// ErrSessionEnded is the reason a signed, unexpired token is refused: its
// user was removed, their role or streams changed, or their sessions were
// ended (logout, a new password) after it was issued. Verify wraps it in
// ErrBadToken.
var ErrSessionEnded = errors.New("session ended")

// userView is what the check of each request needs of the user store:
// name → role, grants and the end of the sessions before. It is built
// whole from one version of the file and never changed afterwards, so
// that UserStore can swap it atomically and requests read it without a
// lock.
type userView map[string]viewUser

type viewUser struct {
	role    string
	streams []string // sorted, as Put keeps them; nil for all
	// endedMs: sessions issued at or before this Unix millisecond have
	// ended (User.SessionsValidAfter).
	endedMs int64
}

// newUserView builds the view of users.
func newUserView(users []User) userView {
	v := make(userView, len(users))
	for _, u := range users {
		vu := viewUser{role: u.Role, endedMs: u.SessionsValidAfter.UnixMilli()}
		if u.Role != RoleAdmin && len(u.Streams) > 0 {
			vu.streams = slices.Clone(u.Streams)
		}
		v[u.Name] = vu
	}
	return v
}

// check returns why the token whose claims are c no longer stands, or
// nil. A session must belong to a user who still exists, with the role
// and the streams the token carries, and be issued after their sessions
// last ended. A stream link must have been made by a user who still
// exists, or with `llcast link` (CLILinkSubject): whether it was revoked
// is the LinkStore's business.
func (v userView) check(c Claims) error {
	u, ok := v[c.Subject]
	if c.IsLink() {
		if !ok && c.Subject != CLILinkSubject {
			return fmt.Errorf("%w: the creator of link %s, user %q, no longer exists", ErrSessionEnded, c.LinkID, c.Subject)
		}
		return nil
	}
	switch {
	case !ok:
		return fmt.Errorf("%w: user %q no longer exists", ErrSessionEnded, c.Subject)
	case u.role != c.Role:
		return fmt.Errorf("%w: user %q is now %s, not %s", ErrSessionEnded, c.Subject, u.role, c.Role)
	case !slices.Equal(u.streams, c.Streams):
		return fmt.Errorf("%w: the streams of user %q changed", ErrSessionEnded, c.Subject)
	case c.Issued.UnixMilli() <= u.endedMs:
		return fmt.Errorf("%w: user %q logged out or was changed after this session began", ErrSessionEnded, c.Subject)
	}
	return nil
}
