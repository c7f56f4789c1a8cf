package auth

import (
	"errors"
	"os"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/llcast/llcast/ingest"
)

var titleCases = []struct {
	in, want string
	ok       bool
}{
	{"", "", true},
	{"Sunday service", "Sunday service", true},
	{"  Talk: <b>Go</b> & \"HLS\"  ", "Talk: <b>Go</b> & \"HLS\"", true},
	{"line\none\ttab", "lineonetab", true},
	{"\x1b[2Jclear", "[2Jclear", true},
	{"c1\u0085\u009bx", "c1x", true},
	{"bad \xff byte", "bad \uFFFD byte", true},
	{"Grüße 🎥 日本", "Grüße 🎥 日本", true},
	{strings.Repeat("é", MaxTitleRunes), strings.Repeat("é", MaxTitleRunes), true},
	{strings.Repeat("x", MaxTitleRunes) + "\n\n", strings.Repeat("x", MaxTitleRunes), true},
	{strings.Repeat("x", MaxTitleRunes+1), "", false},
}

func TestCleanTitle(t *testing.T) {
	for _, c := range titleCases {
		got, err := CleanTitle(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("CleanTitle(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalidTitle) {
			t.Errorf("CleanTitle(%q): %v is not ErrInvalidTitle", c.in, err)
		}
	}
}

func FuzzCleanTitle(f *testing.F) {
	for _, c := range titleCases {
		f.Add(c.in)
	}
	f.Fuzz(func(t *testing.T, in string) {
		got, err := CleanTitle(in)
		if err != nil {
			return
		}
		if !utf8.ValidString(got) || utf8.RuneCountInString(got) > MaxTitleRunes || got != strings.TrimSpace(got) {
			t.Fatalf("CleanTitle(%q) = %q", in, got)
		}
		for _, r := range got {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
				t.Fatalf("CleanTitle(%q) = %q keeps the control character %U", in, got, r)
			}
		}
		if again, err := CleanTitle(got); err != nil || again != got || checkTitle(got) != nil {
			t.Fatalf("CleanTitle is not stable on %q: %q, %v", got, again, err)
		}
	})
}

func TestStreamStoreTitle(t *testing.T) {
	s := newStore(t)
	st, err := s.SetTitle("main", " Live from\tthe <stage> \n")
	if err != nil || st.Title != "Live fromthe <stage>" {
		t.Fatalf("SetTitle: %+v, %v", st, err)
	}
	// Another store on the file (a running server) sees it.
	other := &StreamStore{Path: s.Path}
	if got, err := other.Get("main"); err != nil || got.Title != st.Title || got.Info("h", PublishPorts{}).Title != st.Title {
		t.Fatalf("the title in another store: %+v, %v", got, err)
	}
	if _, err := s.SetTitle("main", strings.Repeat("x", MaxTitleRunes+1)); !errors.Is(err, ErrInvalidTitle) {
		t.Fatalf("a title too long: %v", err)
	}
	if _, err := s.SetTitle("nope", "x"); !errors.Is(err, ingest.ErrUnknownStream) {
		t.Fatalf("the title of no stream: %v", err)
	}
	if got, _ := s.Get("main"); got.Title != st.Title {
		t.Fatalf("a refused title changed it: %+v", got)
	}
	if st, err := s.SetTitle("main", ""); err != nil || st.Title != "" {
		t.Fatalf("removing the title: %+v, %v", st, err)
	}
	// No title, no key in the file: older servers read it as before.
	if b, err := os.ReadFile(s.Path); err != nil || strings.Contains(string(b), "title") {
		t.Fatalf("the file after the title was removed: %s, %v", b, err)
	}
}
