package httpapi

import (
	"reflect"
	"slices"
	"strconv"
	"testing"
	"time"
)

func TestVerifiedTokens(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	c := Claims{Subject: "alice", Role: RoleViewer, Expires: now.Add(time.Hour), Streams: []string{"main"}}
	cases := []struct {
		name string
		at   time.Time
		want bool
	}{
		{"before it expires", now.Add(59 * time.Minute), true},
		{"within the clock skew after", now.Add(time.Hour + clockSkew - time.Second), true},
		{"past the skew", now.Add(time.Hour + clockSkew), false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var v verifiedTokens
			v.put("tok", c, now)
			got, ok := v.get("tok", tc.at)
			if ok != tc.want || (ok && !reflect.DeepEqual(got, c)) {
				t.Fatalf("get = %+v, %v; want %v", got, ok, tc.want)
			}
			if _, ok := v.get("other", now); ok {
				t.Fatal("a token never put is known")
			}
			if !tc.want && len(v.tokens) != 0 {
				t.Fatalf("an expired token stays remembered")
			}
		})
	}
}

func TestVerifiedTokensStayBounded(t *testing.T) {
	now := time.Unix(1_800_000_000, 0)
	var v verifiedTokens
	for i := range maxVerifiedTokens + 100 {
		v.put(strconv.Itoa(i), Claims{Subject: "s", Expires: now.Add(time.Hour)}, now)
	}
	if len(v.tokens) > maxVerifiedTokens {
		t.Fatalf("%d tokens remembered, at most %d", len(v.tokens), maxVerifiedTokens)
	}
	if _, ok := v.get(strconv.Itoa(maxVerifiedTokens+99), now); !ok {
		t.Fatal("the newest token was forgotten")
	}
}

// TestVerifyRemembersOnlyValidTokens: a verified token is answered from
// memory, and an altered one is checked, not mistaken for it.
func TestVerifyRemembersOnlyValidTokens(t *testing.T) {
	a := &TokenAuth{Key: make([]byte, keySize)}
	if err := a.Start(); err != nil {
		t.Fatal(err)
	}
	token, _, err := a.Issue(User{Name: "alice", Role: RoleViewer}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if c, err := a.Verify(token); err != nil || c.Subject != "alice" {
			t.Fatalf("Verify = %+v, %v", c, err)
		}
	}
	if _, ok := a.verified.get(token, time.Now()); !ok {
		t.Fatal("a verified token was not remembered")
	}
	altered := token[:len(token)-2] + "AA"
	if altered == token {
		altered = token[:len(token)-2] + "BB"
	}
	if _, err := a.Verify(altered); err == nil {
		t.Fatal("an altered token was accepted")
	}
}

// TestVerifyRemembersGrants: a token answered from memory carries the
// grants it was issued with.
func TestVerifyRemembersGrants(t *testing.T) {
	a := newTestAuth(t)
	token, _, err := a.Issue(User{Name: "bob", Role: RoleViewer, Streams: []string{"backstage", "main"}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		c, err := a.Verify(token)
		if err != nil || !slices.Equal(c.Streams, []string{"backstage", "main"}) || c.Allows("other") || !c.Allows("main") {
			t.Fatalf("Verify #%d = %+v, %v", i+1, c, err)
		}
	}
	if c, ok := a.verified.get(token, time.Now()); !ok || len(c.Streams) != 2 {
		t.Fatalf("remembered claims %+v, %v", c, ok)
	}
}
