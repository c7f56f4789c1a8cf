package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llcast/llcast/httpapi/auth"
)

// TestStreamTitle: `stream add --title` and `stream title` set what
// viewers read, made plain text; list shows it, --json carries it.
func TestStreamTitle(t *testing.T) {
	dir := t.TempDir()
	store := &auth.StreamStore{Path: filepath.Join(dir, auth.StreamsFile)}
	title := func(name string) string {
		t.Helper()
		s, err := store.Get(name)
		if err != nil {
			t.Fatal(err)
		}
		return s.Title
	}

	out, _, err := runCLI(t, "", "stream", "add", "obs", "--title", "Live\tfrom \x1b[2Jthe hall ", "--data", dir)
	if err != nil {
		t.Fatal(err)
	}
	if got := title("obs"); got != "Livefrom [2Jthe hall" {
		t.Fatalf("stream add --title stored %q", got)
	}
	keyIn(t, out) // still prints where to publish
	out, _, err = runCLI(t, "", "stream", "list", "--data", dir)
	if err != nil || !strings.Contains(out, "TITLE") || !strings.Contains(out, "Livefrom [2Jthe hall") ||
		strings.Contains(out, "\x1b") {
		t.Fatalf("stream list: %v\n%s", err, out)
	}

	// The words after the name are the title, no quotes needed.
	out, _, err = runCLI(t, "", "stream", "title", "main", "Sunday", "service", "<b>", "--data", dir)
	if err != nil || !strings.Contains(out, `"Sunday service <b>"`) || title("main") != "Sunday service <b>" {
		t.Fatalf("stream title: %v, stored %q\n%s", err, title("main"), out)
	}
	out, _, err = runCLI(t, "", "stream", "title", "main", "--json", "Mass", "--data", dir)
	var info map[string]any
	if err != nil || json.Unmarshal([]byte(out), &info) != nil || info["title"] != "Mass" || info["name"] != "main" {
		t.Fatalf("stream title --json: %v\n%s", err, out)
	}
	if _, _, err := runCLI(t, "", "stream", "title", "obs", "", "--data", dir); err != nil || title("obs") != "" {
		t.Fatalf("removing the title: %v, stored %q", err, title("obs"))
	}

	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"stream", "title", "main"}, 2, "missing title"},
		{[]string{"stream", "title"}, 2, "missing title"},
		{[]string{"stream", "title", "main", strings.Repeat("x", auth.MaxTitleRunes+1)}, 2, "at most 100"},
		{[]string{"stream", "add", "x", "--title", strings.Repeat("é", auth.MaxTitleRunes+1)}, 2, "at most 100"},
		{[]string{"stream", "title", "nope", "x"}, 1, "no such stream"},
		{[]string{"stream", "title", "Bad", "x"}, 2, "invalid stream name"},
	} {
		_, _, err := runCLI(t, "", append(c.args, "--data", dir)...)
		if err == nil || exitCode(err) != c.code || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: %v (exit %d), want exit %d and %q", c.args, err, exitCode(err), c.code, c.want)
		}
	}
	if _, err := store.Get("x"); err == nil {
		t.Error("stream add with a title too long added the stream")
	}
	if title("main") != "Mass" {
		t.Errorf("refused commands changed main's title to %q", title("main"))
	}
}
