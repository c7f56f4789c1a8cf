package auth

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var streamNameCases = []struct {
	name string
	ok   bool
}{
	{"main", true},
	{"a", true},
	{"back-stage_2", true},
	{"0", true},
	{strings.Repeat("x", 64), true},
	{"", false},
	{strings.Repeat("x", 65), false},
	{"Main", false},
	{"a b", false},
	{"a.b", false},
	{"a/b", false},
	{"../x", false},
	{"a?key=b", false},
	{"a:b", false},
	{"café", false},
	{"main\n", false},
}

func TestCheckStreamName(t *testing.T) {
	for _, c := range streamNameCases {
		err := CheckStreamName(c.name)
		if (err == nil) != c.ok {
			t.Errorf("CheckStreamName(%q) = %v, want ok %v", c.name, err, c.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "a-z, 0-9, '-' and '_'") {
			t.Errorf("CheckStreamName(%q): %v does not say the rule", c.name, err)
		}
	}
}

var streamNameRule = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)

func FuzzCheckStreamName(f *testing.F) {
	for _, c := range streamNameCases {
		f.Add(c.name)
	}
	f.Fuzz(func(t *testing.T, name string) {
		if err := CheckStreamName(name); (err == nil) != streamNameRule.MatchString(name) {
			t.Fatalf("CheckStreamName(%q) = %v, the rule says %v", name, err, streamNameRule.MatchString(name))
		}
	})
}

func TestCheckStreamFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "clip.mp4")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		path, want string
	}{
		{file, ""},
		{"clip.mp4", "absolute"},
		{filepath.Join(dir, "nope.mp4"), "no such file"},
		{dir, "not a regular file"},
	} {
		err := CheckStreamFile(c.path)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckStreamFile(%q) = %v, want %q", c.path, err, c.want)
		}
	}
}

func TestStreamCheck(t *testing.T) {
	key := newKey()
	for _, c := range []struct {
		name string
		s    Stream
		want string
	}{
		{"local", Stream{Name: "main", Source: SourceLocal}, ""},
		{"push", Stream{Name: "obs", Source: SourcePush, Key: key}, ""},
		{"file", Stream{Name: "film", Source: SourceFile, File: "/x.mp4", VOD: true}, ""},
		{"bad name", Stream{Name: "A", Source: SourceLocal}, "invalid stream name"},
		{"bad source", Stream{Name: "a", Source: "camera"}, "unknown source"},
		{"push without key", Stream{Name: "a", Source: SourcePush}, "publish key"},
		{"local with key", Stream{Name: "a", Source: SourceLocal, Key: key}, "publish key"},
		{"short key", Stream{Name: "a", Source: SourcePush, Key: "abc"}, "shorter"},
		{"file without path", Stream{Name: "a", Source: SourceFile}, "absolute"},
		{"relative file", Stream{Name: "a", Source: SourceFile, File: "x.mp4"}, "absolute"},
		{"vod push", Stream{Name: "a", Source: SourcePush, Key: key, VOD: true}, "VOD"},
	} {
		err := c.s.check()
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
}
