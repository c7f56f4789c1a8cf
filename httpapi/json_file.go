package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// jsonFile is a JSON document in the data directory (users, stream
// links): written atomically with mode 0600, so a crash never leaves half a
// file, and reread when another process — the CLI while the server runs —
// has changed it. Its owner serializes calls.
type jsonFile struct {
	path    string
	what    string // "users", "stream links": for error messages
	modTime time.Time
	loaded  bool
}

// readIfChanged decodes the file into v when it changed since the last
// read (or was never read) and reports whether it did. A missing file
// leaves v alone and counts as changed once: the caller starts empty.
func (f *jsonFile) readIfChanged(v any) (bool, error) {
	st, err := os.Stat(f.path)
	if errors.Is(err, os.ErrNotExist) {
		changed := !f.loaded || !f.modTime.IsZero()
		f.modTime, f.loaded = time.Time{}, true
		return changed, nil
	}
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", f.what, err)
	}
	if f.loaded && st.ModTime().Equal(f.modTime) {
		return false, nil
	}
	buf, err := os.ReadFile(f.path)
	if err != nil {
		return false, fmt.Errorf("reading %s: %w", f.what, err)
	}
	if err := json.Unmarshal(buf, v); err != nil {
		return false, fmt.Errorf("reading %s from %s: %w (fix or delete the file)", f.what, f.path, err)
	}
	f.modTime, f.loaded = st.ModTime(), true
	return true, nil
}

// write replaces the file with v.
func (f *jsonFile) write(v any) error {
	buf, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	dir := filepath.Dir(f.path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("creating data directory: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*.json")
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.what, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(buf, '\n')); err != nil {
		tmp.Close()
		return fmt.Errorf("writing %s: %w", f.what, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("writing %s: %w", f.what, err)
	}
	if err := os.Rename(tmp.Name(), f.path); err != nil {
		return fmt.Errorf("writing %s: %w", f.what, err)
	}
	f.loaded = false // reread what was written, with its new modTime
	return nil
}
