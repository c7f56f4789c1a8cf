package segmenter

import (
	"log/slog"
	"strings"
	"testing"

	"github.com/llcast/llcast/ingest"
)

var languageTagCases = []struct {
	tag  string
	want bool
}{
	{"und", true},
	{"en", true},
	{"pt-BR", true},
	{"zh-Hant-TW", true},
	{"sr-Latn-RS-u-nu-latn", true},
	{"", false},
	{"e", false},
	{"english", false},
	{"en_US", false},
	{"en-", false},
	{"en--US", false},
	{"en-toolongsubtag", false},
	{"1a", false},
	{`en"`, false},
	{"en-" + strings.Repeat("abcdefgh-", 7) + "x", false},
}

func TestIsLanguageTag(t *testing.T) {
	for _, c := range languageTagCases {
		if got := isLanguageTag(c.tag); got != c.want {
			t.Errorf("isLanguageTag(%q) = %v, want %v", c.tag, got, c.want)
		}
	}
}

func FuzzIsLanguageTag(f *testing.F) {
	for _, c := range languageTagCases {
		f.Add(c.tag)
	}
	f.Fuzz(func(t *testing.T, tag string) {
		// A tag goes into a quoted attribute: it must not be able to end it.
		if isLanguageTag(tag) && (len(tag) > 64 || strings.ContainsAny(tag, "\",\n\r")) {
			t.Errorf("isLanguageTag(%q) accepted it", tag)
		}
	})
}

func TestLanguageName(t *testing.T) {
	cases := []struct{ tag, want string }{
		{"und", "Audio"},
		{"en", "English"},
		{"EN-gb", "English"},
		{"de-CH", "Deutsch"},
		{"tlh", "tlh"},
	}
	for _, c := range cases {
		if got := languageName(c.tag); got != c.want {
			t.Errorf("languageName(%q) = %q, want %q", c.tag, got, c.want)
		}
	}
}

func TestAudioLanguageIsChecked(t *testing.T) {
	video, _ := newTestTracks(t)
	cases := []struct {
		name  string
		start func(lang string) error
	}{
		{"stream", func(lang string) error {
			s := &Stream{Name: "x", Tracks: []*ingest.Track{video}, AudioLanguage: lang, Logger: slog.New(slog.DiscardHandler)}
			err := s.Start()
			if err == nil {
				s.Close()
			}
			return err
		}},
		{"broadcast", func(lang string) error {
			b := &Broadcast{Registry: &Registry{}, Stream: StreamSettings{AudioLanguage: lang}, Logger: slog.New(slog.DiscardHandler)}
			return b.Start()
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, lang := range []string{"", "und", "pt-BR"} {
				if err := c.start(lang); err != nil {
					t.Errorf("AudioLanguage %q: %v", lang, err)
				}
			}
			if err := c.start("en_US"); err == nil || !strings.Contains(err.Error(), "AudioLanguage") {
				t.Errorf("AudioLanguage en_US: err = %v, want it to name AudioLanguage", err)
			}
		})
	}
}
