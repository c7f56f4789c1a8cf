package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestDirLockInProcess(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l, err := LockDataDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != DirMode {
		t.Fatalf("data directory: %v, mode %v, want %v", err, st.Mode(), DirMode)
	}
	pid, _ := os.ReadFile(filepath.Join(dir, DirLockFile))
	if strings.TrimSpace(string(pid)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q, want this process's ID", pid)
	}
	// A second server in this process (as the tests run them).
	_, err = LockDataDir(dir)
	want := fmt.Sprintf("data directory %s is in use by process %d", dir, os.Getpid())
	if !errors.Is(err, ErrDirInUse) || err.Error() != want {
		t.Fatalf("second lock: %v, want %q", err, want)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	l, err = LockDataDir(dir)
	if err != nil {
		t.Fatalf("after Close: %v", err)
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := l.Close(); err != nil {
		t.Fatalf("a second Close: %v", err)
	}
}

// TestDirLockBetweenProcesses: the error names the other process; once it
// is killed, its lock file does not block the next server.
func TestDirLockBetweenProcesses(t *testing.T) {
	dir := t.TempDir()
	other := otherProcess(t, "dir", dir)
	_, err := LockDataDir(dir)
	want := fmt.Sprintf("data directory %s is in use by process %d", dir, other.Process.Pid)
	if !errors.Is(err, ErrDirInUse) || err.Error() != want {
		t.Fatalf("lock held by another process: %v, want %q", err, want)
	}
	if err := other.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	_ = other.Wait()
	l, err := LockDataDir(dir)
	if err != nil {
		t.Fatalf("the lock file of a killed server blocks: %v", err)
	}
	defer l.Close()
	pid, _ := os.ReadFile(filepath.Join(dir, DirLockFile))
	if strings.TrimSpace(string(pid)) != strconv.Itoa(os.Getpid()) {
		t.Fatalf("lock file holds %q after the new lock, want this process's ID", pid)
	}
}

// TestDirLockUnreadableHolder: a holder whose ID cannot be read is "another
// llcast", never a wrong process ID.
func TestDirLockUnreadableHolder(t *testing.T) {
	dir := t.TempDir()
	f, err := os.OpenFile(filepath.Join(dir, DirLockFile), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("not a pid\n"); err != nil {
		t.Fatal(err)
	}
	if err := tryLock(f); err != nil {
		t.Fatal(err)
	}
	_, err = LockDataDir(dir)
	if want := "data directory " + dir + " is in use by another llcast"; !errors.Is(err, ErrDirInUse) || err.Error() != want {
		t.Fatalf("%v, want %q", err, want)
	}
}
