package httpapi

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func newTestAuth(t *testing.T) *TokenAuth {
	t.Helper()
	a := &TokenAuth{Key: testKey}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	return a
}

// forge builds a compact JWS by hand so the tests control every byte.
func forge(header, claims map[string]any, key []byte, alg string) string {
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(header) + "." + enc(claims)
	var sig []byte
	switch alg {
	case "HS256":
		m := hmac.New(sha256.New, key)
		m.Write([]byte(signing))
		sig = m.Sum(nil)
	case "none":
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}

func TestVerifyTokens(t *testing.T) {
	a := newTestAuth(t)
	now := time.Now()
	valid, _, err := a.Issue(User{Name: "alice", Role: RoleViewer}, now)
	if err != nil {
		t.Fatal(err)
	}
	claims := func(mod func(map[string]any)) map[string]any {
		c := map[string]any{"sub": "alice", "role": "viewer", "iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}
		if mod != nil {
			mod(c)
		}
		return c
	}
	hs256 := map[string]any{"alg": "HS256", "typ": "JWT"}
	otherKey := bytes.Repeat([]byte{8}, 32)
	parts := strings.Split(valid, ".")
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"sub":"alice","role":"admin","iat":1,"exp":9999999999}`)) + "." + parts[2]

	cases := []struct {
		name  string
		token string
		ok    bool
	}{
		{"issued", valid, true},
		{"hand-made valid", forge(hs256, claims(nil), testKey, "HS256"), true},
		{"expired", forge(hs256, claims(func(c map[string]any) { c["exp"] = now.Add(-time.Hour).Unix() }), testKey, "HS256"), false},
		{"no exp", forge(hs256, claims(func(c map[string]any) { delete(c, "exp") }), testKey, "HS256"), false},
		{"no iat", forge(hs256, claims(func(c map[string]any) { delete(c, "iat") }), testKey, "HS256"), false},
		{"no sub", forge(hs256, claims(func(c map[string]any) { delete(c, "sub") }), testKey, "HS256"), false},
		{"no role", forge(hs256, claims(func(c map[string]any) { delete(c, "role") }), testKey, "HS256"), false},
		{"unknown role", forge(hs256, claims(func(c map[string]any) { c["role"] = "root" }), testKey, "HS256"), false},
		{"tampered payload", tampered, false},
		{"tampered signature", valid[:len(valid)-2] + "AA", false},
		{"alg none", forge(map[string]any{"alg": "none"}, claims(nil), nil, "none"), false},
		{"unsigned", parts[0] + "." + parts[1] + ".", false},
		{"other key", forge(hs256, claims(nil), otherKey, "HS256"), false},
		{"header alg HS512, HS256 signature", forge(map[string]any{"alg": "HS512"}, claims(nil), testKey, "HS256"), false},
		{"header alg RS256, HS256 signature", forge(map[string]any{"alg": "RS256"}, claims(nil), testKey, "HS256"), false},
		{"grants", forge(hs256, claims(func(c map[string]any) { c["streams"] = []string{"main", "b-2"} }), testKey, "HS256"), true},
		{"grants not a list", forge(hs256, claims(func(c map[string]any) { c["streams"] = "main" }), testKey, "HS256"), false},
		{"no grants", forge(hs256, claims(func(c map[string]any) { c["streams"] = []string{} }), testKey, "HS256"), false},
		{"grant not a name", forge(hs256, claims(func(c map[string]any) { c["streams"] = []any{"main", 7} }), testKey, "HS256"), false},
		{"grant with a bad name", forge(hs256, claims(func(c map[string]any) { c["streams"] = []string{"../x"} }), testKey, "HS256"), false},
		{"admin with grants", forge(hs256, claims(func(c map[string]any) {
			c["role"], c["streams"] = "admin", []string{"main"}
		}), testKey, "HS256"), false},
		{"link with grants", forge(hs256, claims(func(c map[string]any) {
			c["stream"], c["jti"], c["streams"] = "main", "abc", []string{"main"}
		}), testKey, "HS256"), false},
		{"garbage", "not.a.token", false},
		{"empty", "", false},
		{"binary", "\x00\xff.\x01.\x02", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := a.Verify(c.token)
			if c.ok {
				if err != nil {
					t.Fatalf("rejected a valid token: %v", err)
				}
				if got.Subject != "alice" || got.Role != RoleViewer {
					t.Fatalf("claims = %+v", got)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted: %+v", got)
			}
			if !errors.Is(err, ErrBadToken) {
				t.Fatalf("error %v does not wrap ErrBadToken", err)
			}
		})
	}
}

func TestGrants(t *testing.T) {
	a := newTestAuth(t)
	now := time.Now()
	verify := func(u User) Claims {
		t.Helper()
		token, _, err := a.Issue(u, now)
		if err != nil {
			t.Fatal(err)
		}
		c, err := a.Verify(token)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	limited := verify(User{Name: "bob", Role: RoleViewer, Streams: []string{"backstage", "main"}})
	if !slices.Equal(limited.Streams, []string{"backstage", "main"}) {
		t.Fatalf("grants after the round trip: %v", limited.Streams)
	}
	everything := verify(User{Name: "carol", Role: RoleViewer})
	if everything.Streams != nil {
		t.Fatalf("a user without grants got %v", everything.Streams)
	}
	// An admin watches every stream, whatever the record says.
	admin := verify(User{Name: "root", Role: RoleAdmin, Streams: []string{"main"}})
	link := Claims{Subject: "bob", Role: RoleViewer, Stream: "main", LinkID: "x"}
	for _, c := range []struct {
		name   string
		claims Claims
		stream string
		want   bool
	}{
		{"granted", limited, "main", true},
		{"granted too", limited, "backstage", true},
		{"not granted", limited, "other", false},
		{"no grants: all", everything, "other", true},
		{"admin", admin, "other", true},
		{"link on its stream", link, "main", true},
		{"link elsewhere", link, "backstage", false},
	} {
		if got := c.claims.Allows(c.stream); got != c.want {
			t.Errorf("%s: Allows(%q) = %v, want %v", c.name, c.stream, got, c.want)
		}
	}
}

func TestTokenAuthConfig(t *testing.T) {
	for _, a := range []*TokenAuth{{Key: []byte("short")}, {Key: testKey, TTL: time.Second}} {
		if err := a.Start(); err == nil {
			t.Errorf("Start accepted %+v", a)
		}
	}
}

func FuzzVerify(f *testing.F) {
	a := &TokenAuth{Key: testKey}
	if err := a.Start(); err != nil {
		f.Fatal(err)
	}
	valid, _, _ := a.Issue(User{Name: "alice", Role: RoleViewer}, time.Now())
	for _, s := range []string{valid, "", "a.b.c", "eyJhbGciOiJub25lIn0.e30.", valid + "x"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		c, err := a.Verify(token)
		if err == nil && token != valid && c.Subject == "" {
			t.Fatalf("accepted %q with empty subject", token)
		}
	})
}
