package auth

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// Sources a stream takes its media from.
const (
	// SourceLocal is the server's own capture: camera and microphone, or
	// the test source.
	SourceLocal = "local"
	// SourcePush is a publisher pushing over RTMP or SRT with the
	// stream's key.
	SourcePush = "push"
	// SourceFile is a file on the server, looped as live or served on
	// demand.
	SourceFile = "file"
)

// DefaultStream exists, with the local source, until streams are written.
const DefaultStream = "main"

// MaxStreamName is the longest stream name.
const MaxStreamName = 64

// keyBytes is the entropy of a publish key: 128 bits.
const keyBytes = 16

// Stream is one named stream a server carries.
type Stream struct {
	Name   string `json:"name"`
	Source string `json:"source"`
	// File is the absolute path of a file stream's file.
	File string `json:"file,omitempty"`
	// VOD serves a file stream on demand instead of looping it as live.
	VOD bool `json:"vod,omitempty"`
	// Key is a push stream's publish key, 32 hex digits. Never log it.
	Key     string    `json:"key,omitempty"`
	Created time.Time `json:"created,omitzero"`
	// Title is what viewers read above the player: plain text, at most
	// MaxTitleRunes characters (CleanTitle). Empty: none.
	Title string `json:"title,omitempty"`
}

// CheckStreamName returns an error saying the rule when name is not 1 to
// 64 characters from a-z, 0-9, '-' and '_'.
func CheckStreamName(name string) error {
	ok := len(name) >= 1 && len(name) <= MaxStreamName
	for i := 0; ok && i < len(name); i++ {
		c := name[i]
		ok = c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_'
	}
	if !ok {
		return fmt.Errorf("invalid stream name %q: use 1 to %d characters from a-z, 0-9, '-' and '_'", name, MaxStreamName)
	}
	return nil
}

// CheckStreamFile returns an error unless path is absolute and names a
// regular file. What the file holds is the file source's business.
func CheckStreamFile(path string) error {
	if !filepath.IsAbs(path) {
		return fmt.Errorf("stream file %q: the path must be absolute", path)
	}
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("stream file: %w", err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("stream file %s is not a regular file", path)
	}
	return nil
}

// check returns what is wrong with a stream record, if anything.
func (s Stream) check() error {
	if err := CheckStreamName(s.Name); err != nil {
		return err
	}
	switch s.Source {
	case SourceLocal, SourcePush:
		if s.File != "" || s.VOD {
			return fmt.Errorf("stream %s: only a file stream has a file or VOD", s.Name)
		}
	case SourceFile:
		if !filepath.IsAbs(s.File) {
			return fmt.Errorf("stream %s: a file stream needs an absolute file path", s.Name)
		}
	default:
		return fmt.Errorf("stream %s: unknown source %q (use %s, %s or %s)", s.Name, s.Source, SourceLocal, SourcePush, SourceFile)
	}
	if (s.Source == SourcePush) != (s.Key != "") {
		return fmt.Errorf("stream %s: push streams, and only they, have a publish key", s.Name)
	}
	if s.Key != "" && len(s.Key) < 2*keyBytes {
		return fmt.Errorf("stream %s: the publish key is shorter than %d bits", s.Name, 8*keyBytes)
	}
	if err := checkTitle(s.Title); err != nil {
		return fmt.Errorf("stream %s: the title: %w", s.Name, err)
	}
	return nil
}

// newKey returns a random publish key of 128 bits as 32 hex digits.
func newKey() string {
	var b [keyBytes]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported systems
	return hex.EncodeToString(b[:])
}
