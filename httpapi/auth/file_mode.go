package auth

import (
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
)

// Widest modes llcast leaves on what it keeps: the data directory, and the
// files in it that hold secrets (users, links, streams, keys).
const (
	DirMode     fs.FileMode = 0o700
	PrivateMode fs.FileMode = 0o600
)

// ModeChange is one set of permission bits TightenModes took away.
type ModeChange struct {
	Path     string
	From, To fs.FileMode
}

// TightenModes takes away the permissions that the data directory dir has
// beyond DirMode, and that each file in it named in files has beyond its
// limit (PrivateMode for secrets), and returns what it changed. Missing
// files are skipped; so are symbolic links and anything else not a
// regular file, whose target llcast does not own. It refuses to touch a
// directory with the sticky bit (a shared one such as /tmp) or files of
// another user, and reports them in the error, which lists every file it
// could not tighten; the caller decides whether that stops it.
func TightenModes(dir string, files map[string]fs.FileMode) ([]ModeChange, error) {
	var changes []ModeChange
	var errs []error
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("checking the mode of data directory %s: %w", dir, err)
	}
	switch {
	case st.Mode()&fs.ModeSticky != 0:
		errs = append(errs, fmt.Errorf("data directory %s is shared (sticky bit): not changing its mode; give llcast a directory of its own", dir))
	case !ownedByUs(st):
		errs = append(errs, fmt.Errorf("data directory %s belongs to another user: not changing its mode", dir))
	default:
		c, err := tighten(dir, st.Mode(), DirMode)
		errs = append(errs, err)
		changes = append(changes, c...)
	}
	for _, name := range slices.Sorted(maps.Keys(files)) {
		path := filepath.Join(dir, name)
		st, err := os.Lstat(path)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			continue
		case err != nil:
			errs = append(errs, fmt.Errorf("checking the mode of %s: %w", path, err))
			continue
		case !st.Mode().IsRegular():
			continue
		case !ownedByUs(st):
			errs = append(errs, fmt.Errorf("%s belongs to another user: not changing its mode", path))
			continue
		}
		c, err := tighten(path, st.Mode(), files[name])
		errs = append(errs, err)
		changes = append(changes, c...)
	}
	return changes, errors.Join(errs...)
}

// tighten clears the permission bits of path beyond limit, keeping the
// others (and setgid, which a directory may carry on purpose).
func tighten(path string, mode, limit fs.FileMode) ([]ModeChange, error) {
	if mode.Perm()&^limit == 0 {
		return nil, nil
	}
	to := mode.Perm()&limit | mode&fs.ModeSetgid
	if err := os.Chmod(path, to); err != nil {
		return nil, fmt.Errorf("tightening the mode of %s: %w", path, err)
	}
	return []ModeChange{{Path: path, From: mode.Perm(), To: to.Perm()}}, nil
}
