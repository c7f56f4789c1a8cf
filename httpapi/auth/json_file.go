package auth

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrUnchanged may be returned by the change function given to
// JSONFile.Update to leave the file as it is; Update then returns nil.
var ErrUnchanged = errors.New("unchanged")

// JSONFile is a JSON document in the data directory (users, stream links,
// streams) that more than one process changes: the server, and `llcast`
// commands while it runs. Update changes it under its FileLock from what
// the file holds at that moment, so that no writer loses another's
// change; ReadIfChanged rereads it, without a lock, when another writer
// replaced it. Writes are atomic (WriteFileAtomic, mode 0600), so a
// reader or a crash never sees half a file.
//
// A JSONFile is not safe for concurrent use: its owner serializes calls
// (the stores hold their mutex around them).
type JSONFile struct {
	// Path of the file. Required.
	Path string
	// What the file holds ("users", "stream links"), for error messages.
	What string

	// The version last read or written: its stat (nil when there was no
	// file) and, where keepReadOpen, the open file, which keeps its inode
	// number from going to a later version.
	seen   os.FileInfo
	held   *os.File
	loaded bool
}

// ReadIfChanged decodes the file into v when it changed since the last
// read or write (or was never read) and reports whether it did; v should
// be empty, as decoding merges into what it holds. A write replaces the
// file, so a new file counts as a change even when the clock did not move
// on. A missing file leaves v alone and counts as changed once: the
// caller starts from its defaults (Exists tells it so). A file that does
// not decode is an error naming it, never an empty store.
func (f *JSONFile) ReadIfChanged(v any) (bool, error) {
	st, err := os.Stat(f.Path)
	switch {
	case errors.Is(err, os.ErrNotExist):
		changed := !f.loaded || f.seen != nil
		f.remember(nil, nil)
		return changed, nil
	case err != nil:
		return false, fmt.Errorf("reading %s from %s: %w", f.What, f.Path, err)
	case f.loaded && f.seen != nil && os.SameFile(f.seen, st) &&
		st.ModTime().Equal(f.seen.ModTime()) && st.Size() == f.seen.Size():
		return false, nil
	}
	return true, f.read(v)
}

// read decodes the file into v whether it changed or not.
func (f *JSONFile) read(v any) error {
	file, err := os.Open(f.Path)
	if errors.Is(err, os.ErrNotExist) {
		f.remember(nil, nil)
		return nil
	}
	if err != nil {
		return fmt.Errorf("reading %s from %s: %w", f.What, f.Path, err)
	}
	// The stat of the open file, not of the path: it describes exactly
	// the version decoded, even when another writer replaces the file now.
	st, err := file.Stat()
	var buf []byte
	if err == nil {
		buf, err = io.ReadAll(file)
	}
	if err != nil {
		file.Close()
		return fmt.Errorf("reading %s from %s: %w", f.What, f.Path, err)
	}
	if err := json.Unmarshal(buf, v); err != nil {
		file.Close()
		return f.Corrupt(err)
	}
	f.remember(file, st)
	return nil
}

// remember records the version just read or written (nil: no file).
func (f *JSONFile) remember(file *os.File, st os.FileInfo) {
	if f.held != nil {
		f.held.Close()
	}
	f.held = nil
	if file != nil && keepReadOpen {
		f.held = file
	} else if file != nil {
		file.Close()
	}
	f.seen, f.loaded = st, true
}

// Corrupt is the error for a file that was read but holds something its
// owner cannot use; it names the file and says what to do. It also
// forgets the version read, so that the next read reads and reports it
// again until the file is fixed.
func (f *JSONFile) Corrupt(err error) error {
	if f.held != nil {
		f.held.Close()
	}
	f.seen, f.held, f.loaded = nil, nil, false
	return fmt.Errorf("reading %s from %s: %w (fix or delete the file)", f.What, f.Path, err)
}

// Exists reports whether the file was there at the last read or write.
func (f *JSONFile) Exists() bool { return f.seen != nil }

// Update changes the file as one step that no other Update, in this
// process or another, interleaves with. Under the file's lock (LockFile)
// it rereads the file into v, whatever an earlier read saw; calls change,
// which validates and edits v in place (v should be empty before: decoding
// merges into what it holds); then writes v atomically. A file missing
// leaves v alone (Exists says so). When the file does not decode, or
// change returns an error, nothing is written and Update returns that
// error; change returns ErrUnchanged to write nothing and succeed, and
// f.Corrupt(err) for records it cannot use.
//
// After Update, the version it read or wrote counts as read: the next
// ReadIfChanged reports no change until another writer replaces the file.
func (f *JSONFile) Update(v any, change func() error) error {
	lock, err := LockFile(f.Path)
	if err != nil {
		return fmt.Errorf("changing %s: %w", f.What, err)
	}
	defer lock.Unlock()
	if err := f.read(v); err != nil {
		return err
	}
	if err := change(); err != nil {
		if errors.Is(err, ErrUnchanged) {
			return nil
		}
		return err
	}
	return f.write(v)
}

// write replaces the file with v; the caller holds the lock.
func (f *JSONFile) write(v any) error {
	buf, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Errorf("writing %s: %w", f.What, err)
	}
	if err := WriteFileAtomic(f.Path, append(buf, '\n')); err != nil {
		f.loaded = false // reread whatever is there
		return err
	}
	// Under the lock nobody else replaces the file: what is at the path
	// is what was just written.
	file, err := os.Open(f.Path)
	var st os.FileInfo
	if err == nil {
		st, err = file.Stat()
	}
	if err != nil {
		if file != nil {
			file.Close()
		}
		f.loaded = false
		return nil // written; the next read rereads it
	}
	f.remember(file, st)
	return nil
}
