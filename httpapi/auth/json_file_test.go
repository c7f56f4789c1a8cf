package auth

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestJSONFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "things.json")
	f := &JSONFile{Path: path, What: "things"}
	var v []string
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || f.Exists() {
		t.Fatalf("missing file: changed %v, exists %v, %v; want the first read to count", changed, f.Exists(), err)
	}
	if changed, _ := f.ReadIfChanged(&v); changed {
		t.Fatal("a file still missing changed")
	}
	if err := f.Write([]string{"a"}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v, mode %v, want 0600", err, st.Mode())
	}
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || !f.Exists() || len(v) != 1 {
		t.Fatalf("after Write: changed %v, %v, %v", changed, v, err)
	}
	if changed, _ := f.ReadIfChanged(&v); changed {
		t.Fatal("an unchanged file changed")
	}
	// Another writer replaces the file, within the same clock tick or not.
	other := &JSONFile{Path: path, What: "things"}
	if err := other.Write([]string{"b"}); err != nil {
		t.Fatal(err)
	}
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || v[0] != "b" {
		t.Fatalf("after another writer: changed %v, %v, %v", changed, v, err)
	}
	if err := os.WriteFile(path, []byte("[oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := f.ReadIfChanged(&v); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "things") {
		t.Fatalf("corrupt file: %v, want an error naming %s", err, path)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || f.Exists() {
		t.Fatalf("removed file: changed %v, %v", changed, err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Fatalf("temporary files left behind: %v", entries)
	}
}
