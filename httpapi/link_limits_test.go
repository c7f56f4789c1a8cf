package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

func TestCleanLabel(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"living-room TV", "living-room TV"},
		{"  padded  ", "padded"},
		{"\x1b[31mred\x1b[0m", "[31mred[0m"},
		{"\x1b]8;;http://evil\x07click\x1b]8;;\x07", "]8;;http://evilclick]8;;"},
		{"tab\tand\nnewline\r", "tabandnewline"},
		{"nul\x00 del\x7f", "nul del"},
		{"c1 \u0085\u009b csi", "c1  csi"},
		{"Küche 📺 テレビ", "Küche 📺 テレビ"},
		{"bad \xff utf-8", "bad \uFFFD utf-8"},
		{strings.Repeat("é", MaxLabelRunes), strings.Repeat("é", MaxLabelRunes)},
		{strings.Repeat("\x1b", 500) + "ok", "ok"}, // counted after cleaning
	} {
		got, err := CleanLabel(c.in)
		if err != nil || got != c.want {
			t.Errorf("CleanLabel(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	if _, err := CleanLabel(strings.Repeat("é", MaxLabelRunes+1)); !errors.Is(err, ErrInvalidLink) {
		t.Errorf("a label of %d characters: %v, want ErrInvalidLink", MaxLabelRunes+1, err)
	}
}

// TestLinkCap: a creator may have MaxLiveLinks live links; revoked and
// expired ones do not count, and other creators have their own.
func TestLinkCap(t *testing.T) {
	s := newLinkStore(t)
	now := time.Now()
	var first Link
	for i := range MaxLiveLinks {
		l, err := s.New("main", "alice", "", time.Hour, now)
		if err != nil {
			t.Fatalf("link %d: %v", i+1, err)
		}
		if i == 0 {
			first = l
		}
	}
	if _, err := s.New("main", "alice", "", time.Hour, now); !errors.Is(err, ErrTooManyLinks) {
		t.Fatalf("link %d: %v, want ErrTooManyLinks", MaxLiveLinks+1, err)
	}
	if _, err := s.New("main", "bob", "", time.Hour, now); err != nil {
		t.Fatalf("another user's link: %v", err)
	}
	if _, err := s.Revoke(first.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.New("main", "alice", "", time.Hour, now); err != nil {
		t.Fatalf("a link after revoking one: %v", err)
	}
	// An hour later all have expired: room again, and the file drops them.
	later := now.Add(2 * time.Hour)
	if _, err := s.New("main", "alice", "", time.Hour, later); err != nil {
		t.Fatalf("a link once the others expired: %v", err)
	}
	if all, err := s.List(); err != nil || len(all) != 1 {
		t.Fatalf("after every other link expired the file holds %d links, %v; want 1", len(all), err)
	}
}

// TestLinkFileStaysSmall: creating and revoking without end keeps at most
// MaxLiveLinks revoked links per creator; the newest stay, so a revoked
// link is still listed as such for a while.
func TestLinkFileStaysSmall(t *testing.T) {
	s := newLinkStore(t)
	now := time.Now()
	var last Link
	for i := range 3 * MaxLiveLinks {
		l, err := s.New("main", "alice", "", time.Hour, now)
		if err != nil {
			t.Fatalf("round %d: %v", i, err)
		}
		if _, err := s.Revoke(l.ID); err != nil {
			t.Fatal(err)
		}
		last = l
	}
	all, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != MaxLiveLinks || all[0].ID != last.ID || !all[0].Revoked {
		t.Fatalf("the file holds %d links, newest %+v; want %d, the newest revoked one first", len(all), all[0], MaxLiveLinks)
	}
	if s.Active(last.ID) || s.Active("00000000") {
		t.Fatal("a revoked or unknown link is active")
	}
	st, err := os.Stat(s.Path)
	if err != nil || st.Size() > 64<<10 {
		t.Fatalf("links.json: %v, %d bytes", err, st.Size())
	}
}

func TestLinkLabelStoredClean(t *testing.T) {
	s := newLinkStore(t)
	l, err := s.New("main", "alice", "TV\x1b[2J\x1b]0;pwned\x07", time.Hour, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(s.Path)
	if err != nil {
		t.Fatal(err)
	}
	if l.Label != "TV[2J]0;pwned" || strings.Contains(string(raw), `\u001b`) || strings.Contains(string(raw), `\u0007`) {
		t.Fatalf("label %q; file:\n%s", l.Label, raw)
	}
	if _, err := s.New("main", "alice", strings.Repeat("x", MaxLabelRunes+1), time.Hour, time.Now()); !errors.Is(err, ErrInvalidLink) {
		t.Fatalf("a long label: %v, want ErrInvalidLink", err)
	}
}

// TestLinkAPILimits: over the cap a clear 409; a label with escape codes
// is stored clean; a viewer's link ends with their session (capped, and
// said so), an admin's may last up to MaxLinkTTL.
func TestLinkAPILimits(t *testing.T) {
	env, links := newLinkServer(t)
	post := func(c *http.Cookie, body string) (int, linkReply, string) {
		t.Helper()
		r := env.do(t, "POST", "/api/links", c, strings.NewReader(body), nil)
		var made linkReply
		if r.status == http.StatusCreated {
			if err := json.Unmarshal(r.body, &made); err != nil {
				t.Fatal(err)
			}
		}
		return r.status, made, string(r.body)
	}
	// Sessions of ttl, signed with the server's key.
	issue := func(name, role string, ttl time.Duration) (*http.Cookie, time.Time) {
		a := &TokenAuth{Key: testKey, TTL: ttl}
		if err := a.Start(); err != nil {
			t.Fatal(err)
		}
		token, expires, err := a.Issue(User{Name: name, Role: role}, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		return &http.Cookie{Name: CookieName, Value: token}, expires
	}

	viewer, viewerEnds := issue("alice", RoleViewer, 2*time.Hour)
	status, made, body := post(viewer, `{"label":"TV \u001b[31mred\u001b[0m\u0007"}`)
	if status != http.StatusCreated || made.Label != "TV [31mred[0m" {
		t.Fatalf("a label with escape codes: %d %s", status, body)
	}
	stored, _ := links.List()
	if stored[0].Label != "TV [31mred[0m" {
		t.Fatalf("stored label %q", stored[0].Label)
	}
	// The default lifetime (24 h) is more than the session's 2 h left.
	if !made.Capped || made.Expires.After(viewerEnds) || made.Expires.Before(viewerEnds.Add(-time.Minute)) {
		t.Fatalf("a viewer's link: capped %v, expires %v, session ends %v", made.Capped, made.Expires, viewerEnds)
	}
	if status, made, body = post(viewer, `{"ttl":"1h"}`); status != http.StatusCreated || made.Capped {
		t.Fatalf("a viewer's link within the session: %d %s", status, body)
	}
	admin, _ := issue("root", RoleAdmin, time.Hour)
	if status, made, body = post(admin, `{"ttl":"2160h"}`); status != http.StatusCreated || made.Capped ||
		made.Expires.Sub(made.Created) != MaxLinkTTL {
		t.Fatalf("an admin's 90-day link: %d %s", status, body)
	}
	// exp has whole seconds: less than a minute is left.
	ending, _ := issue("alice", RoleViewer, time.Minute)
	if status, _, body = post(ending, `{"ttl":"1h"}`); status != http.StatusBadRequest || !strings.Contains(body, "log in again") {
		t.Fatalf("a session with less than a minute left: %d %s, want 400", status, body)
	}
	if status, _, body = post(viewer, `{"label":"`+strings.Repeat("x", MaxLabelRunes+1)+`"}`); status != http.StatusBadRequest {
		t.Fatalf("a long label: %d %s", status, body)
	}

	for range MaxLiveLinks {
		if status, _, body = post(admin, `{"ttl":"1h"}`); status != http.StatusCreated && status != http.StatusConflict {
			t.Fatalf("filling up: %d %s", status, body)
		}
	}
	status, _, body = post(admin, `{"ttl":"1h"}`)
	if status != http.StatusConflict || !strings.Contains(body, "you have 100 live links: revoke some first") {
		t.Fatalf("link over the cap: %d %s, want 409", status, body)
	}
	if status, _, body = post(viewer, `{"ttl":"1h"}`); status != http.StatusCreated {
		t.Fatalf("another user's link: %d %s", status, body)
	}
}
