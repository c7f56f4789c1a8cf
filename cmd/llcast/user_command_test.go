package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/llcast/llcast/httpapi"
)

func usersIn(dir string) *httpapi.UserStore {
	return &httpapi.UserStore{Path: filepath.Join(dir, httpapi.UsersFile)}
}

// TestUserPasswd: passwd changes the password only.
func TestUserPasswd(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "a fine password\n", "user", "add", "bob", "--role", "admin", "--password-stdin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	out, _, err := runCLI(t, "a new password\n", "user", "passwd", "bob", "--password-stdin", "--data", dir)
	if err != nil || !strings.Contains(out, `new password for user "bob"`) || !strings.Contains(out, "sessions have ended") {
		t.Fatalf("user passwd: %q %v", out, err)
	}
	u, err := usersIn(dir).Authenticate("bob", "a new password")
	if err != nil || u.Role != httpapi.RoleAdmin {
		t.Fatalf("after passwd: %+v, %v", u, err)
	}
	for _, c := range []struct {
		stdin string
		args  []string
		want  string
		code  int
	}{
		{"a new password\n", []string{"carol"}, "no such user", 1},
		{"short\n", []string{"bob"}, "too short", 1},
		{"a new password\n", nil, "missing user NAME", 2},
	} {
		args := append([]string{"user", "passwd", "--password-stdin", "--data", dir}, c.args...)
		if _, _, err := runCLI(t, c.stdin, args...); err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("passwd %v: %v, want exit %d and %q", c.args, err, c.code, c.want)
		}
	}
	if _, _, err := runCLI(t, "", "user", "passwd", "bob", "--data", dir); err == nil || !strings.Contains(err.Error(), "--password-stdin") {
		t.Errorf("passwd without --password-stdin: %v", err)
	}
}

// TestUserAddAsksBeforeChanging: add replaces an existing user's role or
// streams only when told to.
func TestUserAddAsksBeforeChanging(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"admin", "--role", "admin"},
		{"bob", "--streams", "main,stage"},
		{"carol"},
	} {
		if _, _, err := runCLI(t, "a fine password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"admin"}, "--role admin to keep that"},
		{[]string{"bob"}, "may watch only main, stage"},
	} {
		_, _, err := runCLI(t, "another password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, c.args...)...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "user passwd") {
			t.Errorf("add %v: %v, want a usage error saying %q and pointing to passwd", c.args, err, c.want)
		}
	}
	if u, err := usersIn(dir).Authenticate("admin", "a fine password"); err != nil || u.Role != httpapi.RoleAdmin {
		t.Fatalf("a refused add changed the admin: %+v, %v", u, err)
	}
	// Said outright, or nothing to change: done.
	for _, args := range [][]string{
		{"admin", "--role", "admin"},
		{"bob", "--streams="},
		{"carol"},
	} {
		if _, _, err := runCLI(t, "another password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, args...)...); err != nil {
			t.Errorf("add %v: %v", args, err)
		}
	}
	if bob, err := usersIn(dir).Authenticate("bob", "another password"); err != nil || bob.Streams != nil {
		t.Fatalf("bob after --streams=: %+v, %v", bob, err)
	}
}

func TestUserList(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "user", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "no users") {
		t.Fatalf("list of none: %q %v", out, err)
	}
	for _, args := range [][]string{{"root", "--role", "admin"}, {"bob", "--streams", "main,stage"}, {"alice"}} {
		if _, _, err := runCLI(t, "a fine password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err = runCLI(t, "", "user", "list", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	var rows [][]string
	for line := range strings.Lines(out) {
		rows = append(rows, strings.Fields(line))
	}
	want := [][]string{{"NAME", "ROLE", "STREAMS"}, {"alice", "viewer", "all"}, {"bob", "viewer", "main,stage"}, {"root", "admin", "all"}}
	if !slices.EqualFunc(rows, want, slices.Equal) {
		t.Fatalf("user list:\n%s", out)
	}
	out, _, err = runCLI(t, "", "user", "list", "--json", "--data", dir)
	var got []map[string]any
	if err != nil || json.Unmarshal([]byte(out), &got) != nil || len(got) != 3 {
		t.Fatalf("user list --json: %v\n%s", err, out)
	}
	if got[1]["name"] != "bob" || got[1]["role"] != "viewer" || len(got[1]["streams"].([]any)) != 2 || got[0]["streams"] != nil {
		t.Fatalf("user list --json:\n%s", out)
	}
	if strings.Contains(out, "hash") || strings.Contains(out, "$2a$") {
		t.Fatalf("user list --json shows the hashes:\n%s", out)
	}
}

// TestUserRemove: remove takes the user away and revokes their links,
// and refuses the last admin, saying what to do.
func TestUserRemove(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"root", "--role", "admin"}, {"bob"}} {
		if _, _, err := runCLI(t, "a fine password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	links := &httpapi.LinkStore{Path: filepath.Join(dir, httpapi.LinksFile)}
	var bobs []string
	for _, subject := range []string{"bob", "bob", "root", httpapi.CLILinkSubject} {
		l, err := links.New("main", subject, "", time.Hour, time.Now())
		if err != nil {
			t.Fatal(err)
		}
		if subject == "bob" {
			bobs = append(bobs, l.ID)
		}
	}
	out, _, err := runCLI(t, "", "user", "remove", "bob", "--data", dir)
	if err != nil || !strings.Contains(out, `removed user "bob" (viewer); revoked 2 stream link(s)`) {
		t.Fatalf("user remove: %q %v", out, err)
	}
	all, _ := links.List()
	for _, l := range all {
		if slices.Contains(bobs, l.ID) == l.Revoked {
			continue
		}
		t.Errorf("link %s of %s: revoked %v", l.ID, l.Subject, l.Revoked)
	}
	if _, ok, _ := usersIn(dir).Get("bob"); ok {
		t.Fatal("bob is still there")
	}
	_, _, err = runCLI(t, "", "user", "remove", "root", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), `user "root" is the last admin: add another first`) {
		t.Fatalf("removing the last admin: %v", err)
	}
	if _, _, err = runCLI(t, "", "user", "remove", "bob", "--data", dir); err == nil || !strings.Contains(err.Error(), "no such user") {
		t.Fatalf("removing bob again: %v", err)
	}
}

// TestLinkLabels: `llcast link` stores labels clean and refuses streams
// that do not exist; `llcast link list` prints escaped what a file holds.
func TestLinkLabels(t *testing.T) {
	dir := t.TempDir()
	out, _, err := runCLI(t, "", "link", "--label", "TV\x1b]0;pwned\x07", "--base", "http://tv.local", "--data", dir)
	if err != nil {
		t.Fatalf("llcast link: %v", err)
	}
	links := &httpapi.LinkStore{Path: filepath.Join(dir, httpapi.LinksFile)}
	all, err := links.List()
	if err != nil || len(all) != 1 || all[0].Label != "TV]0;pwned" || all[0].Subject != httpapi.CLILinkSubject {
		t.Fatalf("stored: %+v, %v\n%s", all, err, out)
	}
	if _, _, err := runCLI(t, "", "link", "--stream", "nosuch", "--data", dir); err == nil || !strings.Contains(err.Error(), `"nosuch"`) ||
		!strings.Contains(err.Error(), "llcast stream list") {
		t.Fatalf("a link for a stream that does not exist: %v", err)
	}

	// A file from before labels were cleaned, or edited by hand.
	raw, _ := json.Marshal([]httpapi.Link{{
		ID: "0011223344556677", Stream: "main", Subject: "bob", Label: "evil\x1b[2J\tlabel\u202e",
		Created: time.Now(), Expires: time.Now().Add(time.Hour),
	}})
	if err := os.WriteFile(links.Path, raw, 0o600); err != nil {
		t.Fatal(err)
	}
	out, _, err = runCLI(t, "", "link", "list", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if strings.ContainsAny(out, "\x1b\t\u202e") || !strings.Contains(out, `"evil\x1b[2J\tlabel\u202e"`) {
		t.Fatalf("link list printed:\n%q", out)
	}
	if !strings.Contains(out, "0011223344556677") || strings.Contains(out, `"0011223344556677"`) {
		t.Fatalf("printable fields should print as they are:\n%s", out)
	}
}

func TestPrintable(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"living room", "living room"},
		{"Küche 📺", "Küche 📺"},
		{"", ""},
		{"\x1b[31m", `"\x1b[31m"`},
		{"a\tb", `"a\tb"`},
		{"bad\xff", `"bad\xff"`},
		{"\u00a0nbsp", `"\u00a0nbsp"`},
	} {
		if got := printable(c.in); got != c.want {
			t.Errorf("printable(%q) = %s, want %s", c.in, got, c.want)
		}
	}
}

// TestUserPasswdKeepsRoleAndStreams: a new password, through passwd or
// through add without --role and --streams, leaves the role and the
// streams as they were, or is refused saying how.
func TestUserPasswdKeepsRoleAndStreams(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{{"root", "--role", "admin"}, {"bob", "--streams", "main,stage"}} {
		if _, _, err := runCLI(t, "a fine password\n", append([]string{"user", "add", "--password-stdin", "--data", dir}, args...)...); err != nil {
			t.Fatal(err)
		}
	}
	for _, name := range []string{"root", "bob"} {
		if _, _, err := runCLI(t, "a new password\n", "user", "passwd", name, "--password-stdin", "--data", dir); err != nil {
			t.Fatalf("passwd %s: %v", name, err)
		}
		// add without --role or --streams: refused, nothing changes.
		if _, _, err := runCLI(t, "a third password\n", "user", "add", name, "--password-stdin", "--data", dir); err == nil ||
			exitCode(err) != 2 || !strings.Contains(err.Error(), "user passwd "+name) {
			t.Errorf("add %s without --role: %v, want a usage error pointing to passwd", name, err)
		}
	}
	root, err := usersIn(dir).Authenticate("root", "a new password")
	if err != nil || root.Role != httpapi.RoleAdmin {
		t.Fatalf("root after passwd: %+v, %v", root, err)
	}
	bob, err := usersIn(dir).Authenticate("bob", "a new password")
	if err != nil || bob.Role != httpapi.RoleViewer || !slices.Equal(bob.Streams, []string{"main", "stage"}) {
		t.Fatalf("bob after passwd: %+v, %v", bob, err)
	}
	out, _, err := runCLI(t, "", "user", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "root  admin") {
		t.Fatalf("user list after passwd:\n%s", out)
	}
}
