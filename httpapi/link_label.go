package httpapi

import (
	"fmt"

	"github.com/llcast/llcast/httpapi/auth"
)

// MaxLabelRunes bounds a stream link's label, in characters.
const MaxLabelRunes = 100

// CleanLabel makes a stream link's label plain text (auth.CleanText). A
// label longer than MaxLabelRunes after that is an error wrapping
// ErrInvalidLink.
func CleanLabel(label string) (string, error) {
	label, n := auth.CleanText(label)
	if n > MaxLabelRunes {
		return "", fmt.Errorf("%w: the label has %d characters, at most %d go", ErrInvalidLink, n, MaxLabelRunes)
	}
	return label, nil
}
