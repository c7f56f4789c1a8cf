//go:build darwin || dragonfly || freebsd || linux || netbsd || openbsd

package auth

import (
	"errors"
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// keepReadOpen: a JSONFile keeps the version it read open, so that the
// file system cannot give its inode number to a later version and make
// the two look the same to a stat.
const keepReadOpen = true

// tryLock takes an exclusive flock(2) on f, or returns errLocked at once.
// flock belongs to the open file, not to the process: two opens of one
// file exclude each other within a process too, and the kernel drops the
// lock when the process dies, so a crash leaves no stale lock.
func tryLock(f *os.File) error {
	for {
		err := unix.Flock(int(f.Fd()), unix.LOCK_EX|unix.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, unix.EINTR):
			continue
		case errors.Is(err, unix.EWOULDBLOCK):
			return errLocked
		}
		return err
	}
}

func unlock(f *os.File) error { return unix.Flock(int(f.Fd()), unix.LOCK_UN) }

// syncDir makes a rename in dir durable. File systems that cannot sync a
// directory say so with EINVAL or ENOTSUP; the rename stands all the same.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, unix.EINVAL) && !errors.Is(err, unix.ENOTSUP) {
		return err
	}
	return nil
}

// ownedByUs reports whether this process's user owns the file, so that a
// server run as root does not change the modes of another user's files.
func ownedByUs(fi fs.FileInfo) bool {
	st, ok := fi.Sys().(*syscall.Stat_t)
	return !ok || int(st.Uid) == os.Geteuid()
}
