package httpapi

import (
	"errors"
	"testing"
	"time"
)

// TestUserViewCheck: what the view of the users says of each kind of
// token, including records edited by hand (a role or streams changed
// without sessions_valid_after moving).
func TestUserViewCheck(t *testing.T) {
	ended := time.Date(2026, 1, 2, 3, 4, 5, 500_400_000, time.UTC) // .5004 s
	v := newUserView([]User{
		{Name: "alice", Role: RoleViewer, SessionsValidAfter: ended},
		{Name: "bob", Role: RoleViewer, Streams: []string{"main", "stage"}},
		{Name: "root", Role: RoleAdmin, Streams: []string{"ignored"}},
	})
	after := ended.Add(time.Millisecond)
	cases := []struct {
		name string
		c    Claims
		ok   bool
	}{
		{"viewer", Claims{Subject: "alice", Role: RoleViewer, Issued: after}, true},
		{"issued in the millisecond sessions ended", Claims{Subject: "alice", Role: RoleViewer, Issued: ended.Truncate(time.Millisecond)}, false},
		{"issued in the second sessions ended, to the second", Claims{Subject: "alice", Role: RoleViewer, Issued: ended.Truncate(time.Second)}, false},
		{"issued before", Claims{Subject: "alice", Role: RoleViewer, Issued: ended.Add(-time.Hour)}, false},
		{"unknown user", Claims{Subject: "carol", Role: RoleViewer, Issued: after}, false},
		{"role changed", Claims{Subject: "alice", Role: RoleAdmin, Issued: after}, false},
		{"grants", Claims{Subject: "bob", Role: RoleViewer, Streams: []string{"main", "stage"}, Issued: after}, true},
		{"grants widened", Claims{Subject: "bob", Role: RoleViewer, Issued: after}, false},
		{"grants changed", Claims{Subject: "bob", Role: RoleViewer, Streams: []string{"main"}, Issued: after}, false},
		{"grants given", Claims{Subject: "alice", Role: RoleViewer, Streams: []string{"main"}, Issued: after}, false},
		{"admin, whatever the record's streams", Claims{Subject: "root", Role: RoleAdmin, Issued: after}, true},
		{"never ended", Claims{Subject: "bob", Role: RoleViewer, Streams: []string{"main", "stage"}, Issued: time.Unix(1, 0)}, true},
		{"link of a user", Claims{Subject: "alice", Role: RoleViewer, Stream: "main", LinkID: "a", Issued: ended.Add(-time.Hour)}, true},
		{"link of llcast link", Claims{Subject: CLILinkSubject, Role: RoleViewer, Stream: "main", LinkID: "b"}, true},
		{"link of a removed user", Claims{Subject: "carol", Role: RoleViewer, Stream: "main", LinkID: "c"}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.check(c.c)
			if c.ok != (err == nil) {
				t.Fatalf("check = %v, want ok %v", err, c.ok)
			}
			if err != nil && !errors.Is(err, ErrSessionEnded) {
				t.Fatalf("%v does not wrap ErrSessionEnded", err)
			}
		})
	}
}

// TestSessionsEndMoves: each change moves sessions_valid_after at least a
// millisecond past the last value, and never back.
func TestSessionsEndMoves(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	for _, c := range []struct {
		name      string
		prev, now time.Time
		want      time.Time
	}{
		{"first", time.Time{}, now, now},
		{"later", now, now.Add(time.Hour), now.Add(time.Hour)},
		{"same instant", now, now, now.Add(time.Millisecond)},
		{"clock behind", now, now.Add(-time.Hour), now.Add(time.Millisecond)},
	} {
		if got := sessionsEnd(c.prev, c.now); !got.Equal(c.want) {
			t.Errorf("%s: sessionsEnd = %v, want %v", c.name, got, c.want)
		}
	}
}
