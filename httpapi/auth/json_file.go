package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
)

// JSONFile is a JSON document in the data directory (users, stream links,
// streams): written atomically with mode 0600, so that a crash never leaves
// half a file, and reread when another process — the CLI while the server
// runs — has changed it. It is not safe for concurrent use: its owner
// serializes calls.
type JSONFile struct {
	// Path of the file. Required.
	Path string
	// What the file holds ("users", "stream links"), for error messages.
	What string

	seen   os.FileInfo // at the last read; nil when there was no file
	loaded bool
}

// ReadIfChanged decodes the file into v when it changed since the last
// read (or was never read) and reports whether it did. A write replaces
// the file, so a new file counts as a change even when the clock did not
// move on. A missing file leaves v alone and counts as changed once: the
// caller starts from its defaults (Exists tells it so). A file that does
// not decode is an error naming it, never an empty store.
func (f *JSONFile) ReadIfChanged(v any) (bool, error) {
	st, err := os.Stat(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		changed := !f.loaded || f.seen != nil
		f.seen, f.loaded = nil, true
		return changed, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", f.What, err)
	}
	if f.loaded && f.seen != nil && os.SameFile(f.seen, st) &&
		st.ModTime().Equal(f.seen.ModTime()) && st.Size() == f.seen.Size() {
		return false, nil
	}
	buf, err := os.ReadFile(f.Path)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", f.What, err)
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return false, f.Corrupt(err)
	}
	f.seen, f.loaded = st, true
	return true, nil
}

// Corrupt is the error for a file that was read but holds something its
// owner cannot use.
func (f *JSONFile) Corrupt(err error) error {
	return fmt.Errorf("reading %s from %s: %w (fix or delete the file)", f.What, f.Path, err)
}

// Exists reports whether the file was there at the last read.
func (f *JSONFile) Exists() bool { return f.seen != nil }

// Write replaces the file with v.
func (f *JSONFile) Write(v any) error {
	buf, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.Path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.json") // mode 0600
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.What, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(buf, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", f.What, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", f.What, err)
	}
	if err := os.Rename(tmp.Name(), f.Path); err != nil {
		return fmt.Errorf("writing %s: %w", f.What, err)
	}
	f.loaded = false // reread what was written
	return nil
}
