//go:build windows

package auth

import (
	"errors"
	"io/fs"
	"os"

	"golang.org/x/sys/windows"
)

// keepReadOpen is off: Windows refuses to replace a file that is open.
const keepReadOpen = false

// lockOffset is where the locked byte lies: past anything written, since
// Windows locks are mandatory and would stop others reading the PID the
// data-directory lock file holds.
const lockOffset = 1 << 30

// tryLock takes an exclusive lock on f, or returns errLocked at once.
func tryLock(f *os.File) error {
	ol := windows.Overlapped{Offset: lockOffset}
	err := windows.LockFileEx(windows.Handle(f.Fd()),
		windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, 1, 0, &ol)
	if errors.Is(err, windows.ERROR_LOCK_VIOLATION) {
		return errLocked
	}
	return err
}

func unlock(f *os.File) error {
	ol := windows.Overlapped{Offset: lockOffset}
	return windows.UnlockFileEx(windows.Handle(f.Fd()), 0, 1, 0, &ol)
}

// syncDir does nothing: Windows cannot open a directory to sync it, and
// its renames are journaled.
func syncDir(string) error { return nil }

// ownedByUs is true: modes mean little on Windows.
func ownedByUs(fs.FileInfo) bool { return true }
