package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"
)

// LockSuffix names a file's lock file: users.json is locked through
// users.json.lock next to it.
const LockSuffix = ".lock"

// lockWait bounds how long LockFile waits for another holder. A holder
// does one read and one write, milliseconds; waiting longer means a
// process is stuck, and saying so beats hanging.
const lockWait = 10 * time.Second

// errLocked: another open file holds the lock.
var errLocked = errors.New("locked by another process")

// FileLock is an exclusive lock on one file of the data directory, held
// for one read-modify-write of it. It excludes other processes (the
// server and each `llcast` command) and other holders in this process
// alike, so two stores on one file never lose each other's writes. It is
// advisory: it binds only code that takes it (JSONFile.Update does).
type FileLock struct {
	f *os.File
}

// LockFile locks the file at path, which need not exist, waiting up to
// 10 s for another holder. The lock is taken on PATH.lock, created (mode
// 0600) in the same directory and never removed: removing it would let
// a newcomer lock a new file while an old holder still has the old one.
// Unlock releases it; so does the end of the process, so a crash leaves
// nothing to clean up.
func LockFile(path string) (*FileLock, error) { return lockWithin(path, lockWait) }

// lockWithin is LockFile waiting up to wait.
func lockWithin(path string, wait time.Duration) (*FileLock, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	// Read-only suffices for a lock.
	f, err := os.OpenFile(path+LockSuffix, os.O_RDONLY|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking %s: %w", path, err)
	}
	deadline := time.Now().Add(wait)
	// Short naps: a holder is done within milliseconds, and a waiter
	// that naps long rarely finds the gap between two busy holders.
	for nap := 50 * time.Microsecond; ; nap = min(2*nap, 2*time.Millisecond) {
		err := tryLock(f)
		if err == nil {
			return &FileLock{f: f}, nil
		}
		if !errors.Is(err, errLocked) || time.Now().After(deadline) {
			f.Close()
			if errors.Is(err, errLocked) {
				return nil, fmt.Errorf("locking %s: still %w after %v", path, err, wait)
			}
			return nil, fmt.Errorf("locking %s: %w", path, err)
		}
		time.Sleep(nap)
	}
}

// Unlock releases the lock. Calling it again does nothing.
func (l *FileLock) Unlock() error {
	if l.f == nil {
		return nil
	}
	err := errors.Join(unlock(l.f), l.f.Close())
	l.f = nil
	return err
}
