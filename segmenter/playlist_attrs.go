package segmenter

import "strings"

// The playlist rewriter edits attribute lists (RFC 8216bis 4.2) in place,
// as text: parsing gohlslib's playlists and writing them anew could
// change what it does not mean to change.

// attrSpans splits an attribute list into its NAME=VALUE items; commas
// inside quoted strings do not split.
func attrSpans(list string) []string {
	var items []string
	quoted, start := false, 0
	for i := 0; i <= len(list); i++ {
		if i < len(list) && list[i] == '"' {
			quoted = !quoted
		}
		if i == len(list) || (list[i] == ',' && !quoted) {
			items = append(items, list[start:i])
			start = i + 1
		}
	}
	return items
}

// attr returns the value of the attribute name, quotes removed; "" when
// the list has none.
func attr(list, name string) string {
	for _, item := range attrSpans(list) {
		if k, v, ok := strings.Cut(item, "="); ok && k == name {
			return strings.Trim(v, `"`)
		}
	}
	return ""
}

// setAttr returns the list with the attribute name set to value (written
// as is: quote it if it must be quoted), appended if it was not there.
func setAttr(list, name, value string) string {
	items := attrSpans(list)
	found := false
	for i, item := range items {
		if k, _, ok := strings.Cut(item, "="); ok && k == name {
			items[i], found = name+"="+value, true
		}
	}
	if !found {
		if list == "" {
			items = nil
		}
		items = append(items, name+"="+value)
	}
	return strings.Join(items, ",")
}
