package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"slices"
	"time"

	"github.com/go-chi/jwtauth/v5"
	"github.com/lestrrat-go/jwx/v2/jwa"
	"github.com/lestrrat-go/jwx/v2/jws"
	"github.com/lestrrat-go/jwx/v2/jwt"

	"github.com/llcast/llcast/httpapi/auth"
)

// ErrBadToken is the reason behind every rejected token; the wrapped error
// says which check failed and goes to the log only.
var ErrBadToken = errors.New("invalid token")

const (
	tokenAlg  = jwa.HS256
	roleClaim = "role"
	// streamClaim scopes a stream-link token to one stream; session
	// tokens have none.
	streamClaim = "stream"
	// streamsClaim lists the streams a session may watch, when the user
	// is limited to some; absent, all.
	streamsClaim = "streams"
	// issuedMsClaim is a session's issue time in Unix milliseconds: iat
	// has whole seconds, too coarse to tell a session begun right after a
	// logout from one ended by it (sessionsEnd).
	issuedMsClaim = "iat_ms"
	// clockSkew tolerated on exp and iat between machines.
	clockSkew = 30 * time.Second
)

// Claims are what a valid token says about its bearer.
type Claims struct {
	Subject string
	Role    string
	Expires time.Time
	// Issued is when the token was issued: to the millisecond for the
	// sessions this version issues, to the second for links and older
	// sessions.
	Issued time.Time
	// Stream and LinkID are set on stream-link tokens only: such a token
	// opens that one stream's media and nothing else, while its link is
	// not revoked.
	Stream string
	LinkID string
	// Streams are the grants of a viewer's session: the streams it may
	// watch; nil means all. The slice is shared with the tokens
	// remembered by TokenAuth: never modify it.
	Streams []string
}

// IsLink reports whether the token is a stream link's.
func (c Claims) IsLink() bool { return c.Stream != "" }

// Allows reports whether the bearer may watch stream: a stream link its
// one stream, an admin every stream, a viewer the streams granted (all
// when none are).
func (c Claims) Allows(stream string) bool {
	switch {
	case c.IsLink():
		return c.Stream == stream
	case c.Role == RoleAdmin || len(c.Streams) == 0:
		return true
	}
	return slices.Contains(c.Streams, stream)
}

// TokenUsers says whether the user behind a token still stands.
type TokenUsers interface {
	// CheckToken returns why the token with claims c, signed and
	// unexpired, no longer stands (ErrSessionEnded), or nil.
	CheckToken(c Claims) error
}

// TokenAuth issues and checks the HS256 session tokens.
type TokenAuth struct {
	// Key signs and verifies tokens. Required, at least 32 bytes.
	Key []byte
	// TTL is how long a token stays valid. It defaults to 12h.
	TTL time.Duration
	// Users, when set, is asked on every Verify, after the signature and
	// claims, whether the token's user still stands (UserStore): so a
	// session ends at logout, at a new password, role or streams and at
	// the user's removal, and a link when its creator is removed. It
	// defaults to nil: a token is valid until it expires, whoever its
	// user was (only for tests and for commands that just issue links).
	Users TokenUsers

	ja       *jwtauth.JWTAuth
	verified verifiedTokens
}

// Start fills in defaults and validates.
func (a *TokenAuth) Start() error {
	if a.TTL == 0 {
		a.TTL = 12 * time.Hour
	}
	if len(a.Key) < keySize {
		return fmt.Errorf("token Key is %d bytes, want at least %d", len(a.Key), keySize)
	}
	if a.TTL < time.Minute {
		return fmt.Errorf("token TTL %v is too short, use at least 1m", a.TTL)
	}
	// jwtauth accepts a token without exp forever unless exp is required.
	a.ja = jwtauth.New(tokenAlg.String(), a.Key, nil,
		jwt.WithRequiredClaim(jwt.ExpirationKey),
		jwt.WithRequiredClaim(jwt.IssuedAtKey),
		jwt.WithRequiredClaim(jwt.SubjectKey),
		jwt.WithRequiredClaim(roleClaim),
		jwt.WithAcceptableSkew(clockSkew),
	)
	return nil
}

// Issue returns a signed session token for u and its expiry. The token
// carries u's role and grants: a change to them ends the session (Users).
// Its issue time (issuedMsClaim) is at least a millisecond after u's
// SessionsValidAfter, so that a login right after a logout stands.
func (a *TokenAuth) Issue(u User, now time.Time) (string, time.Time, error) {
	exp := now.Add(a.TTL)
	claims := map[string]any{
		jwt.SubjectKey:    u.Name,
		jwt.IssuedAtKey:   now.Unix(),
		jwt.ExpirationKey: exp.Unix(),
		roleClaim:         u.Role,
		issuedMsClaim:     max(now.UnixMilli(), u.SessionsValidAfter.UnixMilli()+1),
	}
	if len(u.Streams) > 0 && u.Role != RoleAdmin {
		claims[streamsClaim] = u.Streams
	}
	_, s, err := a.ja.Encode(claims)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("signing token: %w", err)
	}
	return s, exp, nil
}

// IssueLink returns the signed token of a stream link: role viewer,
// scoped to l.Stream, valid until l.Expires while l is not revoked.
func (a *TokenAuth) IssueLink(l Link) (string, error) {
	_, s, err := a.ja.Encode(map[string]any{
		jwt.SubjectKey:    l.Subject,
		jwt.IssuedAtKey:   l.Created.Unix(),
		jwt.ExpirationKey: l.Expires.Unix(),
		jwt.JwtIDKey:      l.ID,
		roleClaim:         RoleViewer,
		streamClaim:       l.Stream,
	})
	if err != nil {
		return "", fmt.Errorf("signing link: %w", err)
	}
	return s, nil
}

// Verify checks signature, algorithm and claims, then asks Users whether
// the token's user still stands. Errors wrap ErrBadToken.
func (a *TokenAuth) Verify(token string) (Claims, error) {
	c, err := a.verifySigned(token)
	if err != nil {
		return Claims{}, err
	}
	// After the remembered tokens, never before: they save the parsing,
	// not this check.
	if a.Users != nil {
		if err := a.Users.CheckToken(c); err != nil {
			return Claims{}, fmt.Errorf("%w: %w", ErrBadToken, err)
		}
	}
	return c, nil
}

// verifySigned checks signature, algorithm and claims, or finds the token
// among those it checked before.
func (a *TokenAuth) verifySigned(token string) (Claims, error) {
	if token == "" {
		return Claims{}, fmt.Errorf("%w: no token", ErrBadToken)
	}
	now := time.Now()
	if c, ok := a.verified.get(token, now); ok {
		return c, nil
	}
	// jwx verifies with the algorithm we give it and never compares the
	// header's; a token must say what it is.
	msg, err := jws.Parse([]byte(token))
	if err != nil {
		return Claims{}, fmt.Errorf("%w: malformed: %v", ErrBadToken, err)
	}
	sigs := msg.Signatures()
	if len(sigs) != 1 || sigs[0].ProtectedHeaders().Algorithm() != tokenAlg {
		return Claims{}, fmt.Errorf("%w: algorithm is not %s", ErrBadToken, tokenAlg)
	}
	t, err := jwtauth.VerifyToken(a.ja, token)
	if err != nil {
		return Claims{}, fmt.Errorf("%w: %v", ErrBadToken, err)
	}
	role, _ := t.PrivateClaims()[roleClaim].(string)
	if role != RoleAdmin && role != RoleViewer {
		return Claims{}, fmt.Errorf("%w: unknown role %q", ErrBadToken, role)
	}
	if t.Subject() == "" {
		return Claims{}, fmt.Errorf("%w: empty subject", ErrBadToken)
	}
	c := Claims{Subject: t.Subject(), Role: role, Expires: t.Expiration(), Issued: t.IssuedAt()}
	if stream, ok := t.PrivateClaims()[streamClaim]; ok {
		c.Stream, _ = stream.(string)
		c.LinkID = t.JwtID()
		if c.Stream == "" || c.LinkID == "" || role != RoleViewer {
			return Claims{}, fmt.Errorf("%w: malformed stream link", ErrBadToken)
		}
	}
	if raw, ok := t.PrivateClaims()[streamsClaim]; ok {
		if c.Streams, err = grants(raw); err != nil || c.IsLink() || role != RoleViewer {
			return Claims{}, fmt.Errorf("%w: malformed grants", ErrBadToken)
		}
	}
	if raw, ok := t.PrivateClaims()[issuedMsClaim]; ok {
		ms, ok := unixMillis(raw)
		if !ok || c.IsLink() {
			return Claims{}, fmt.Errorf("%w: malformed issue time", ErrBadToken)
		}
		c.Issued = time.UnixMilli(ms)
	}
	a.verified.put(token, c, now)
	return c, nil
}

// unixMillis reads a claim holding Unix milliseconds: a whole, positive
// number that a float64 holds exactly.
func unixMillis(raw any) (int64, bool) {
	switch v := raw.(type) {
	case float64:
		if v > 0 && v < 1<<53 && v == math.Trunc(v) {
			return int64(v), true
		}
	case json.Number:
		if n, err := v.Int64(); err == nil && n > 0 && n < 1<<53 {
			return n, true
		}
	}
	return 0, false
}

// grants reads the streams claim: a list of one or more stream names.
func grants(raw any) ([]string, error) {
	list, ok := raw.([]any)
	if !ok || len(list) == 0 {
		return nil, errors.New("not a list of streams")
	}
	streams := make([]string, 0, len(list))
	for _, v := range list {
		name, _ := v.(string)
		if err := auth.CheckStreamName(name); err != nil {
			return nil, err
		}
		streams = append(streams, name)
	}
	return streams, nil
}
