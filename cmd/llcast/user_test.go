package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/llcast/llcast/httpapi"
)

func TestUserAddStreams(t *testing.T) {
	dir := t.TempDir()
	if _, _, err := runCLI(t, "", "stream", "add", "backstage", "--data", dir); err != nil {
		t.Fatal(err)
	}
	out, errOut, err := runCLI(t, "a fine password\n", "user", "add", "bob", "--streams", "main, backstage,later", "--password-stdin", "--data", dir)
	if err != nil || !strings.Contains(out, `user "bob" (viewer; streams main, backstage, later) saved`) {
		t.Fatalf("user add --streams: %q %v", out, err)
	}
	if !strings.Contains(errOut, `no stream "later"`) || strings.Contains(errOut, `"main"`) || strings.Contains(errOut, `"backstage"`) {
		t.Errorf("the note on streams that do not exist: %q", errOut)
	}
	if _, _, err := runCLI(t, "a fine password\n", "user", "add", "carol", "--password-stdin", "--data", dir); err != nil {
		t.Fatal(err)
	}
	users := &httpapi.UserStore{Path: filepath.Join(dir, httpapi.UsersFile)}
	bob, err := users.Authenticate("bob", "a fine password")
	if err != nil || !slices.Equal(bob.Streams, []string{"backstage", "later", "main"}) {
		t.Fatalf("bob: %+v, %v", bob, err)
	}
	if carol, err := users.Authenticate("carol", "a fine password"); err != nil || carol.Streams != nil {
		t.Fatalf("carol, without --streams: %+v, %v", carol, err)
	}

	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--streams", "Main"}, "invalid stream name"},
		{[]string{"--streams", "main,,x"}, "invalid stream name"},
		{[]string{"--streams", "main", "--role", "admin"}, "admin may watch every stream"},
	} {
		args := append([]string{"user", "add", "dave", "--password-stdin", "--data", dir}, c.args...)
		_, _, err := runCLI(t, "a fine password\n", args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: %v, want a usage error about %q", c.args, err, c.want)
		}
	}
	if _, err := users.Authenticate("dave", "a fine password"); err == nil {
		t.Fatal("a refused user was saved")
	}
}
