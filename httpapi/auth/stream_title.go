package auth

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxTitleRunes bounds a stream's title, in characters.
const MaxTitleRunes = 100

// ErrInvalidTitle: a title that cannot be kept, even cleaned.
var ErrInvalidTitle = errors.New("invalid title")

// CleanTitle makes a stream's title plain text, as stream links' labels
// are (README "Stream links"; CleanText). Pages show it as text, never as
// HTML. A title longer than MaxTitleRunes after that is an error wrapping
// ErrInvalidTitle. The empty title means none.
func CleanTitle(title string) (string, error) {
	title, n := CleanText(title)
	if n > MaxTitleRunes {
		return "", fmt.Errorf("%w: it has %d characters, at most %d go", ErrInvalidTitle, n, MaxTitleRunes)
	}
	return title, nil
}

// CleanText makes a short text people name things with (a stream's title,
// a link's label) plain: it drops control characters (C0, DEL and C1: what
// a terminal takes for commands, and tabs and line breaks, which would
// break lists), replaces bytes that are no UTF-8 and trims the spaces
// around it. Every other character stays. It returns the text and its
// length in characters.
func CleanText(s string) (string, int) {
	s = strings.TrimSpace(strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD")))
	return s, utf8.RuneCountInString(s)
}

// checkTitle returns what is wrong with a title read from the file: one
// that CleanTitle would change beyond the spaces around it could not have
// been set.
func checkTitle(title string) error {
	clean, err := CleanTitle(title)
	if err != nil {
		return err
	}
	if clean != strings.TrimSpace(title) {
		return fmt.Errorf("%w: it holds control characters or bytes that are no UTF-8", ErrInvalidTitle)
	}
	return nil
}
