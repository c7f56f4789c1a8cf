package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// DirLockFile is the lock file a server keeps in its data directory.
const DirLockFile = "llcast.lock"

// ErrDirInUse: another process holds the data directory. Its text
// completes "data directory DIR is … by process PID".
var ErrDirInUse = errors.New("in use")

// DirLock is a server's hold on its data directory: one `llcast serve` or
// `llcast tray` per directory, for the whole life of the process, so that
// two servers never both create the first admin, issue links from two
// copies of the same file or tighten each other's files. The `llcast`
// commands that change one file while the server runs (user, link,
// stream) do not take it: they take that file's FileLock.
type DirLock struct {
	f *os.File
}

// LockDataDir takes dir (creating it, mode 0700, when missing) and writes
// this process's ID into its lock file, llcast.lock. When another process
// holds it, it returns at once an error wrapping ErrDirInUse that names
// that process. A lock file left by a process that died does not count:
// the kernel released its lock.
func LockDataDir(dir string) (*DirLock, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	path := filepath.Join(dir, DirLockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("locking data directory %s: %w", dir, err)
	}
	if err := tryLock(f); err != nil {
		f.Close()
		if !errors.Is(err, errLocked) {
			return nil, fmt.Errorf("locking data directory %s: %w", dir, err)
		}
		if pid := holderPID(path); pid > 0 {
			return nil, fmt.Errorf("data directory %s is %w by process %d", dir, ErrDirInUse, pid)
		}
		return nil, fmt.Errorf("data directory %s is %w by another llcast", dir, ErrDirInUse)
	}
	// Truncated only now: before the lock, the file holds the holder's ID.
	err = f.Truncate(0)
	if err == nil {
		_, err = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"), 0)
	}
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("locking data directory %s: writing %s: %w", dir, path, err)
	}
	return &DirLock{f: f}, nil
}

// holderPID returns the process ID in a lock file, or 0. A holder that
// has just taken the lock writes its ID a moment later: it waits up to
// 100 ms for it. A holder on a system whose locks keep others from
// reading, or another program, leaves 0.
func holderPID(path string) int {
	for range 20 {
		if pid := readPID(path); pid > 0 {
			return pid
		}
		time.Sleep(5 * time.Millisecond)
	}
	return 0
}

// readPID returns the process ID in a lock file, or 0.
func readPID(path string) int {
	buf, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(buf)))
	if err != nil || pid <= 0 {
		return 0
	}
	return pid
}

// Close releases the directory. The lock file stays, with the old ID in
// it: removing it would race with a server starting at that moment, which
// could then hold a lock on a file no longer there while a third locks
// a new one. Calling Close again does nothing.
func (l *DirLock) Close() error {
	if l.f == nil {
		return nil
	}
	err := errors.Join(unlock(l.f), l.f.Close())
	l.f = nil
	return err
}
