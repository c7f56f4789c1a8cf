package srt

import (
	"slices"
	"strings"
	"testing"
)

var streamIDCases = []struct {
	id                string
	mode, stream, key string
	ok                bool
}{
	{"publish:main:s3cret", modePublish, "main", "s3cret", true},
	{"publish:cam-2_b:k:with:colons", modePublish, "cam-2_b", "k:with:colons", true},
	{"publish:main", modePublish, "main", "", true},
	{"publish:main:", modePublish, "main", "", true},
	{"read:main", modeRead, "main", "", true},
	{"read:main:s3cret", modeRead, "main", "", true},
	{"#!::r=main,m=publish,s=s3cret", modePublish, "main", "s3cret", true},
	{"#!::m=publish,u=bob,s=s3cret,r=main,t=stream", modePublish, "main", "s3cret", true},
	{"#!::r=main", modeRead, "main", "", true},
	{"#!::r=main,m=request", modeRead, "main", "", true},
	{"#!::r=main,m=bidirectional,s=k", "", "", "", false},
	{"#!::r=main,m=publish,junk", "", "", "", false},
	{"#!::m=publish,s=k", "", "", "", false},
	{"", "", "", "", false},
	{"main", "", "", "", false},
	{"publish", "", "", "", false},
	{"publish::s3cret", "", "", "", false},
	{"publish:Main:s3cret", "", "", "", false},
	{"publish:ma in:s3cret", "", "", "", false},
	{"publish:" + strings.Repeat("a", 64) + ":k", modePublish, strings.Repeat("a", 64), "k", true},
	{"publish:" + strings.Repeat("a", 65) + ":k", "", "", "", false},
	{"publish:main:" + strings.Repeat("k", 257), "", "", "", false},
	{"PUBLISH:main:k", "", "", "", false},
	{"play:main:k", "", "", "", false},
}

func TestParseStreamID(t *testing.T) {
	for _, c := range streamIDCases {
		t.Run(c.id, func(t *testing.T) {
			mode, stream, key, err := parseStreamID(c.id)
			if c.ok != (err == nil) {
				t.Fatalf("error = %v, want ok = %v", err, c.ok)
			}
			if mode != c.mode || stream != c.stream || key != c.key {
				t.Fatalf("got (%q, %q, %q), want (%q, %q, %q)", mode, stream, key, c.mode, c.stream, c.key)
			}
		})
	}
}

func FuzzParseStreamID(f *testing.F) {
	for _, c := range streamIDCases {
		f.Add(c.id)
	}
	f.Fuzz(func(t *testing.T, id string) {
		mode, stream, key, err := parseStreamID(id)
		if err != nil {
			if mode != "" || stream != "" || key != "" {
				t.Fatalf("error %v with parts (%q, %q, %q)", err, mode, stream, key)
			}
			// Errors end up in the log: they must be fixed texts.
			if !slices.Contains([]error{errStreamIDForm, errStreamIDItem, errStreamIDMode, errStreamName, errKeyTooLong}, err) {
				t.Fatalf("error %q is not one of the fixed ones", err)
			}
			return
		}
		if mode != modePublish && mode != modeRead {
			t.Fatalf("mode %q", mode)
		}
		if !validStreamName(stream) {
			t.Fatalf("invalid stream name %q accepted", stream)
		}
		if len(key) > maxKeyLen || (key != "" && !strings.Contains(id, key)) {
			t.Fatalf("key %q does not come from %q", key, id)
		}
	})
}
