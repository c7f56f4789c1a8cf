package auth

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestTightenModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	files := map[string]fs.FileMode{"users.json": PrivateMode, "jwt.key": PrivateMode, "cert.pem": 0o644, "missing.json": PrivateMode, "link.json": PrivateMode}
	if err := os.Mkdir(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	for name, mode := range map[string]fs.FileMode{"users.json": 0o644, "jwt.key": 0o600, "cert.pem": 0o666, "other.txt": 0o666} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, nil, mode); err != nil {
			t.Fatal(err)
		}
		if err := os.Chmod(path, mode); err != nil { // past the umask
			t.Fatal(err)
		}
	}
	// A link is not followed: what it points at is not llcast's.
	target := filepath.Join(t.TempDir(), "elsewhere")
	if err := os.WriteFile(target, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(target, filepath.Join(dir, "link.json")); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}

	changes, err := TightenModes(dir, files)
	if err != nil {
		t.Fatal(err)
	}
	want := []ModeChange{
		{Path: dir, From: 0o777, To: 0o700},
		{Path: filepath.Join(dir, "cert.pem"), From: 0o666, To: 0o644},
		{Path: filepath.Join(dir, "users.json"), From: 0o644, To: 0o600},
	}
	if !slices.Equal(changes, want) {
		t.Fatalf("changes %+v, want %+v", changes, want)
	}
	for path, mode := range map[string]fs.FileMode{
		dir: 0o700, filepath.Join(dir, "users.json"): 0o600, filepath.Join(dir, "jwt.key"): 0o600,
		filepath.Join(dir, "cert.pem"): 0o644, filepath.Join(dir, "other.txt"): 0o666, target: 0o644,
	} {
		if st, err := os.Stat(path); err != nil || st.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, %v; want %v", path, st.Mode().Perm(), err, mode)
		}
	}
	if changes, err := TightenModes(dir, files); err != nil || len(changes) != 0 {
		t.Fatalf("second pass: %+v, %v; want nothing to do", changes, err)
	}
}

// TestTightenModesLeavesSharedDirectories: --data /tmp must not lock
// everybody else out of /tmp.
func TestTightenModesLeavesSharedDirectories(t *testing.T) {
	dir := t.TempDir()
	if err := os.Chmod(dir, 0o777|fs.ModeSticky); err != nil {
		t.Fatal(err)
	}
	_, err := TightenModes(dir, nil)
	if err == nil || !strings.Contains(err.Error(), "sticky") {
		t.Fatalf("%v, want a refusal naming the sticky bit", err)
	}
	if st, _ := os.Stat(dir); st.Mode().Perm() != 0o777 {
		t.Fatalf("a shared directory was changed to %v", st.Mode())
	}
}
