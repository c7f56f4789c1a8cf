package httpapi

import (
	"sync"
	"time"
)

// maxVerifiedTokens bounds the tokens TokenAuth remembers: some 300 bytes
// each, a few MB at the most.
const maxVerifiedTokens = 8192

// verifiedTokens remembers the tokens whose signature and claims were
// checked, until they expire. A player sends the same cookie or link
// token some 20 times a second, and parsing and verifying a JWT was a
// third of what llcast spent on each media request. They save only the
// parsing: whether the user still stands (TokenAuth.Users: logout, a
// removed user) and whether a link was revoked are checked every time.
type verifiedTokens struct {
	mu     sync.Mutex // guards tokens
	tokens map[string]Claims
}

// get returns the claims of a token verified before, still valid at now.
func (v *verifiedTokens) get(token string, now time.Time) (Claims, bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	c, ok := v.tokens[token]
	if ok && !now.Before(c.Expires.Add(clockSkew)) {
		delete(v.tokens, token)
		return Claims{}, false
	}
	return c, ok
}

// put remembers a verified token. When full, it forgets the expired ones,
// or if none has, any one: a forgotten token is only verified again.
func (v *verifiedTokens) put(token string, c Claims, now time.Time) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.tokens == nil {
		v.tokens = make(map[string]Claims)
	}
	if len(v.tokens) >= maxVerifiedTokens {
		for t, old := range v.tokens {
			if !now.Before(old.Expires.Add(clockSkew)) {
				delete(v.tokens, t)
			}
		}
		for t := range v.tokens {
			if len(v.tokens) < maxVerifiedTokens {
				break
			}
			delete(v.tokens, t)
		}
	}
	v.tokens[token] = c
}
