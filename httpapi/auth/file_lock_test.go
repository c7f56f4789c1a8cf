package auth

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// tryOnce reports whether the lock of path is free, without waiting.
func tryOnce(t *testing.T, path string) bool {
	t.Helper()
	l, err := lockWithin(path, 0)
	if errors.Is(err, errLocked) {
		return false
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	return true
}

func TestFileLockInProcess(t *testing.T) {
	path := filepath.Join(t.TempDir(), "new", "users.json")
	l, err := LockFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path + LockSuffix); err != nil {
		t.Fatalf("no lock file next to the file: %v", err)
	}
	// A second holder in this process (another store on the same file)
	// is kept out, then let in once the first lets go.
	if tryOnce(t, path) {
		t.Fatal("a second lock in the same process was granted while the first is held")
	}
	if _, err := lockWithin(path, 10*time.Millisecond); err == nil || !strings.Contains(err.Error(), "still locked") {
		t.Fatalf("waiting for a held lock: %v, want it to give up saying so", err)
	}
	var released atomic.Bool
	got := make(chan error, 1)
	go func() {
		l2, err := LockFile(path)
		if err == nil {
			if !released.Load() {
				err = errors.New("the waiter got the lock while the first holder had it")
			}
			err = errors.Join(err, l2.Unlock())
		}
		got <- err
	}()
	released.Store(true)
	if err := l.Unlock(); err != nil {
		t.Fatal(err)
	}
	if err := <-got; err != nil {
		t.Fatal(err)
	}
	if err := l.Unlock(); err != nil {
		t.Fatalf("a second Unlock: %v", err)
	}
}

// TestFileLockBetweenProcesses: the CLI holds the lock while the server
// wants it; a holder that dies (kill -9) leaves nothing behind.
func TestFileLockBetweenProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "links.json")
	other := otherProcess(t, "file", path)
	if tryOnce(t, path) {
		t.Fatal("the lock was granted while another process holds it")
	}
	if err := other.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = other.Wait()
	if !tryOnce(t, path) {
		t.Fatal("the lock of a killed process is still held")
	}
}
