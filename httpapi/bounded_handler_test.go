package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCutForLog(t *testing.T) {
	for _, c := range []struct {
		name, in string
		max      int
		want     string
	}{
		{"short", "/live/main/index.m3u8", 200, "/live/main/index.m3u8"},
		{"empty", "", 10, ""},
		{"exactly max", "abcdefghij", 10, "abcdefghij"},
		{"one over", "abcdefghijk", 10, "abcdefghij…(+1 bytes)"},
		{"long", strings.Repeat("a", 1<<20), 200, strings.Repeat("a", 200) + "…(+1048376 bytes)"},
		{"between runes", "ééééé", 5, "éé…(+6 bytes)"},
		{"control characters count as printed", "\x1b\x1b\x1b", 8, "\x1b\x1b…(+1 bytes)"},
		{"newline", "a\nb\nc", 4, "a\nb…(+2 bytes)"},
		{"quotes", `"""`, 4, `""…(+1 bytes)`},
		{"invalid UTF-8", "\xff\xfe\xfd", 8, "\xff\xfe…(+1 bytes)"},
		{"bidi override", "\u202e\u202e", 6, "\u202e…(+3 bytes)"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := cutForLog(c.in, c.max); got != c.want {
				t.Errorf("cutForLog(%.40q…, %d) = %.60q…, want %.60q…", c.in, c.max, got, c.want)
			}
		})
	}
}

// FuzzCutForLog checks the promise behind the numbers: what
// is kept prints no longer than max, quoted as slog's text handler quotes.
func FuzzCutForLog(f *testing.F) {
	for _, s := range []string{"/live/main/index.m3u8", "ééééé", "\x1b[31m", "\xff", "\u202e", `"\`, "\U000e0001"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := cutForLog(s, 20)
		kept, _, cut := strings.Cut(got, "…(+")
		if !cut {
			kept = got
		}
		if !strings.HasPrefix(s, kept) {
			t.Fatalf("%q kept %q, not a prefix", s, kept)
		}
		if q := strconv.Quote(kept); len(q)-2 > 20 {
			t.Fatalf("%q kept %q, which prints as %d bytes", s, kept, len(q)-2)
		}
		if cut && utf8.ValidString(s) && !utf8.ValidString(kept) {
			t.Fatalf("%q cut inside a rune: %q", s, kept)
		}
	})
}

func TestBoundedHandler(t *testing.T) {
	logs := &lockedWriter{w: &strings.Builder{}}
	log := slog.New(boundedHandler{slog.NewTextHandler(logs, nil)}).With("with", strings.Repeat("w", 1<<20))
	huge := strings.Repeat("x", 1<<20)
	log.Info(strings.Repeat("m", 1<<20),
		"path", huge,
		"reason", errors.New(huge),
		"addr", stringer(huge),
		slog.Group("g", "inner", huge),
		"escape", "\x1b[2J",
		"count", 7,
	)
	out := logs.String()
	if len(out) > 2048 {
		t.Fatalf("one line with six 1 MB values logged %d bytes, want under 2 KB", len(out))
	}
	for _, want := range []string{
		`path="` + strings.Repeat("x", maxLogValue) + `…(+`,
		`reason="` + strings.Repeat("x", maxLogValue) + `…(+`,
		`addr="` + strings.Repeat("x", maxLogValue) + `…(+`,
		`g.inner="` + strings.Repeat("x", maxLogValue) + `…(+`,
		`with="` + strings.Repeat("w", maxLogValue) + `…(+`,
		`msg="` + strings.Repeat("m", maxLogMessage) + `…(+`,
		`escape="\x1b[2J"`,
		"count=7",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("log lacks %.60q…:\n%.600s", want, out)
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a raw escape character reached the log")
	}
}

type stringer string

func (s stringer) String() string { return string(s) }

// TestBoundedHandlerJSON: with log.format json the cut values still make
// one short line of valid JSON. JSON escapes a little differently from
// the text handler (a control character takes 6 bytes, not 4), so a value
// prints at most half as long again as maxLogValue.
func TestBoundedHandlerJSON(t *testing.T) {
	logs := &lockedWriter{w: &strings.Builder{}}
	log := slog.New(boundedHandler{slog.NewJSONHandler(logs, nil)})
	huge := strings.Repeat("x", 1<<20)
	log.Info(strings.Repeat("m", 1<<20),
		"path", huge,
		"escape", strings.Repeat("\x1b", 1<<20),
		"reason", errors.New(huge),
		"bad", "\xff\xfe",
		slog.Group("g", "inner", huge),
	)
	out := logs.String()
	if len(out) > 3072 || strings.Count(out, "\n") != 1 {
		t.Fatalf("logged %d bytes in %d lines, want one line under 3 KB", len(out), strings.Count(out, "\n"))
	}
	if strings.Contains(out, "\x1b") {
		t.Error("a raw escape character reached the log")
	}
	var line struct {
		Msg    string            `json:"msg"`
		Path   string            `json:"path"`
		Escape string            `json:"escape"`
		Reason string            `json:"reason"`
		G      map[string]string `json:"g"`
	}
	if err := json.Unmarshal([]byte(out), &line); err != nil {
		t.Fatalf("not JSON: %v\n%.300s", err, out)
	}
	for name, c := range map[string]struct{ got, want string }{
		"msg":     {line.Msg, strings.Repeat("m", maxLogMessage) + "…(+"},
		"path":    {line.Path, strings.Repeat("x", maxLogValue) + "…(+"},
		"escape":  {line.Escape, strings.Repeat("\x1b", maxLogValue/4) + "…(+"},
		"reason":  {line.Reason, strings.Repeat("x", maxLogValue) + "…(+"},
		"g.inner": {line.G["inner"], strings.Repeat("x", maxLogValue) + "…(+"},
	} {
		if !strings.HasPrefix(c.got, c.want) {
			t.Errorf("%s = %.60q…, want it cut after %d bytes", name, c.got, len(c.want)-len("…(+"))
		}
	}
}
