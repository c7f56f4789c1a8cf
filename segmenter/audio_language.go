package segmenter

import "strings"

// isLanguageTag reports whether tag has the shape of a BCP 47 language
// tag (RFC 5646): a primary language subtag of 2 or 3 letters (ISO 639,
// "und" for undetermined), then subtags of 1 to 8 letters and digits.
// It does not look the subtags up in the IANA registry, and takes no tag
// longer than 64 characters.
func isLanguageTag(tag string) bool {
	if len(tag) > 64 {
		return false
	}
	subtags := strings.Split(tag, "-")
	if n := len(subtags[0]); n < 2 || n > 3 || !isAlnum(subtags[0], false) {
		return false
	}
	for _, s := range subtags[1:] {
		if len(s) < 1 || len(s) > 8 || !isAlnum(s, true) {
			return false
		}
	}
	return true
}

func isAlnum(s string, digits bool) bool {
	for _, c := range s {
		letter := (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (!digits || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// languageName is the NAME of an audio rendition in language tag: the
// language's name in itself, which is what a player's menu shows (Apple
// HLS authoring 8.10), for the common ones; the tag for the others.
func languageName(tag string) string {
	primary, _, _ := strings.Cut(strings.ToLower(tag), "-")
	switch primary {
	case "und":
		return "Audio"
	case "en":
		return "English"
	case "de":
		return "Deutsch"
	case "fr":
		return "Français"
	case "es":
		return "Español"
	case "it":
		return "Italiano"
	case "pt":
		return "Português"
	case "nl":
		return "Nederlands"
	case "pl":
		return "Polski"
	case "sv":
		return "Svenska"
	case "ru":
		return "Русский"
	case "ja":
		return "日本語"
	case "zh":
		return "中文"
	}
	return tag
}
