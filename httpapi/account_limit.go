package httpapi

import (
	"sync"
	"time"
)

// maxCountedName is the longest user name an account can have; longer
// names are not counted, and the rule is no secret.
const maxCountedName = 64

// accountLimiter locks a user name after `failures` failed logins within
// `window`, whatever addresses they came from: the name then waits
// `lockout`, and while the window still holds that many failures each
// further one locks it again. A successful login clears the name.
//
// Names that are no account are counted too, so that a lock does not tell
// which names are accounts. Memory stays bounded: accounts are few, and of
// other names at most maxOthers are kept; beyond that, expired ones and
// then arbitrary unlocked ones are forgotten. Only a client flooding more
// than maxOthers names meanwhile could see an unknown name's count reset.
type accountLimiter struct {
	failures  int
	window    time.Duration
	lockout   time.Duration
	maxOthers int

	mu     sync.Mutex // guards names and others
	names  map[string]*failureLog
	others int // entries in names that are no account
}

// failureLog is one name's recent failures.
type failureLog struct {
	known  bool        // the name is an account
	times  []time.Time // failures within the window, oldest first
	locked time.Time   // the name may try again from then on
}

func newAccountLimiter(failures int, window, lockout time.Duration) *accountLimiter {
	return &accountLimiter{
		failures: failures, window: window, lockout: lockout, maxOthers: 4096,
		names: map[string]*failureLog{},
	}
}

// wait returns how long name must wait before it may try again; 0 when
// it may try now.
func (l *accountLimiter) wait(name string, now time.Time) time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.names[name]; f != nil && f.locked.After(now) {
		return f.locked.Sub(now)
	}
	return 0
}

// fail counts a failed login as name; known tells whether name is an
// account. It reports whether this failure locked the name.
func (l *accountLimiter) fail(name string, known bool, now time.Time) bool {
	if len(name) > maxCountedName {
		return false
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.names[name]
	if f == nil {
		if !known && l.others >= l.maxOthers {
			l.makeRoom(now)
		}
		f = &failureLog{known: known}
		l.names[name] = f
		if !known {
			l.others++
		}
	}
	if f.known != known {
		// The account was added or removed meanwhile.
		f.known = known
		if known {
			l.others--
		} else {
			l.others++
		}
	}
	kept := 0
	for kept < len(f.times) && now.Sub(f.times[kept]) >= l.window {
		kept++
	}
	f.times = append(f.times[:0], f.times[kept:]...)
	if len(f.times) == l.failures {
		f.times = append(f.times[:0], f.times[1:]...)
	}
	f.times = append(f.times, now)
	if len(f.times) < l.failures {
		return false
	}
	f.locked = now.Add(l.lockout)
	return true
}

// succeed forgets name's failures after a successful login.
func (l *accountLimiter) succeed(name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.names[name]; f != nil {
		l.forget(name, f)
	}
}

// makeRoom forgets names that are no account: all whose failures have
// left the window, or else one that is not locked, or else any.
func (l *accountLimiter) makeRoom(now time.Time) {
	var unlocked, other string
	for name, f := range l.names {
		switch {
		case f.known:
		case !f.locked.After(now) && (len(f.times) == 0 || now.Sub(f.times[len(f.times)-1]) >= l.window):
			l.forget(name, f)
		case !f.locked.After(now):
			unlocked = name
		default:
			other = name
		}
	}
	if l.others < l.maxOthers {
		return
	}
	if unlocked == "" {
		unlocked = other
	}
	if f := l.names[unlocked]; f != nil {
		l.forget(unlocked, f)
	}
}

func (l *accountLimiter) forget(name string, f *failureLog) {
	delete(l.names, name)
	if !f.known {
		l.others--
	}
}
