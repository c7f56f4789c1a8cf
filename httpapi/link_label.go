package httpapi

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// MaxLabelRunes bounds a stream link's label, in characters.
const MaxLabelRunes = 100

// CleanLabel makes a stream link's label plain text: it drops control
// characters (C0, DEL and C1: what a terminal takes for commands, and tabs
// and line breaks, which would break lists), replaces bytes that are no
// UTF-8 and trims the spaces around it. Every other character stays. A
// label longer than MaxLabelRunes after that is an error wrapping
// ErrInvalidLink.
func CleanLabel(label string) (string, error) {
	label = strings.ToValidUTF8(label, "\uFFFD")
	label = strings.Map(func(r rune) rune {
		if r < 0x20 || (r >= 0x7f && r <= 0x9f) {
			return -1
		}
		return r
	}, label)
	label = strings.TrimSpace(label)
	if n := utf8.RuneCountInString(label); n > MaxLabelRunes {
		return "", fmt.Errorf("%w: the label has %d characters, at most %d go", ErrInvalidLink, n, MaxLabelRunes)
	}
	return label, nil
}
