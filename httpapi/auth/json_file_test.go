package auth

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

// put replaces what f holds with v, as a store's change does.
func put(t *testing.T, f *JSONFile, v []string) {
	t.Helper()
	var old []string
	if err := f.Update(&old, func() error { old = v; return nil }); err != nil {
		t.Fatal(err)
	}
}

// tempFiles lists what a write left behind besides the file and its lock.
func tempFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var left []string
	for _, e := range entries {
		if strings.Contains(e.Name(), ".tmp") {
			left = append(left, e.Name())
		}
	}
	return left
}

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
	put(t, f, []string{"a"})
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("%v, mode %v, want 0600", err, st.Mode())
	}
	if changed, _ := f.ReadIfChanged(&v); changed || !f.Exists() {
		t.Fatal("what Update wrote counts as read, and exists")
	}
	// Another writer replaces the file, within the same clock tick or not.
	other := &JSONFile{Path: path, What: "things"}
	put(t, other, []string{"b"})
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || v[0] != "b" {
		t.Fatalf("after another writer: changed %v, %v, %v", changed, v, err)
	}
	if changed, _ := f.ReadIfChanged(&v); changed {
		t.Fatal("an unchanged file changed")
	}
	if err := os.WriteFile(path, []byte("[oops"), 0o600); err != nil {
		t.Fatal(err)
	}
	for range 2 { // reported every time, not once
		if _, err := f.ReadIfChanged(&v); err == nil || !strings.Contains(err.Error(), path) || !strings.Contains(err.Error(), "things") {
			t.Fatalf("corrupt file: %v, want an error naming %s", err, path)
		}
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if changed, err := f.ReadIfChanged(&v); err != nil || !changed || f.Exists() {
		t.Fatalf("removed file: changed %v, %v", changed, err)
	}
	if left := tempFiles(t, filepath.Dir(path)); len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
}

// TestJSONFileSeesEveryReplacement: a file replaced by versions of the
// same size and time stamp still reads as changed. On disk file systems
// the inode number of a removed version comes back for a later one; the
// version a JSONFile read must not be taken for a later one.
func TestJSONFileSeesEveryReplacement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "things.json")
	f := &JSONFile{Path: path, What: "things"}
	other := &JSONFile{Path: path, What: "things"}
	put(t, other, []string{"v0"})
	var v []string
	if _, err := f.ReadIfChanged(&v); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < 50; i++ {
		want := fmt.Sprintf("v%d", i%10)
		put(t, other, []string{want})
		put(t, other, []string{want}) // frees the inode of the one before
		if err := os.Chtimes(path, st.ModTime(), st.ModTime()); err != nil {
			t.Fatal(err)
		}
		v = nil
		changed, err := f.ReadIfChanged(&v)
		if err != nil || !changed || len(v) != 1 || v[0] != want {
			t.Fatalf("replacement %d: changed %v, read %v, %v; want %s", i, changed, v, err, want)
		}
	}
}

// TestJSONFileUpdateLosesNothing: writers with a JSONFile each, on one file,
// each adding to what is there: every addition survives.
func TestJSONFileUpdateLosesNothing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "things.json")
	const writers, each = 8, 10
	var wg sync.WaitGroup
	errs := make(chan error, writers)
	for w := range writers {
		wg.Go(func() {
			f := &JSONFile{Path: path, What: "things"}
			for i := range each {
				var v []string
				if err := f.Update(&v, func() error {
					v = append(v, fmt.Sprintf("w%d-%d", w, i))
					return nil
				}); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var all []string
	if _, err := (&JSONFile{Path: path}).ReadIfChanged(&all); err != nil {
		t.Fatal(err)
	}
	if len(all) != writers*each || len(slices.Compact(slices.Sorted(slices.Values(all)))) != writers*each {
		t.Fatalf("%d of %d additions in the file: %v", len(all), writers*each, all)
	}
}

// TestJSONFileUpdateRereads: an Update starts from what the file holds
// now, not from what this JSONFile read before.
func TestJSONFileUpdateRereads(t *testing.T) {
	path := filepath.Join(t.TempDir(), "things.json")
	f := &JSONFile{Path: path, What: "things"}
	put(t, f, []string{"a"})
	put(t, &JSONFile{Path: path, What: "things"}, []string{"a", "b"})
	var v []string
	if err := f.Update(&v, func() error { v = append(v, "c"); return nil }); err != nil {
		t.Fatal(err)
	}
	var got []string
	if _, err := (&JSONFile{Path: path}).ReadIfChanged(&got); err != nil || !slices.Equal(got, []string{"a", "b", "c"}) {
		t.Fatalf("file holds %v, %v; want a b c", got, err)
	}
}

func TestJSONFileUpdateWritesNothing(t *testing.T) {
	refuse := errors.New("refused")
	for _, c := range []struct {
		name, content string // "" is no file
		change        error
		want          string // in the error; "" for none
	}{
		{"corrupt", "[oops", nil, "fix or delete"},
		{"wrong type", `{"a":1}`, nil, "cannot unmarshal"},
		{"refused", `["a"]`, refuse, "refused"},
		{"unchanged", `["a"]`, ErrUnchanged, ""},
		{"unchanged, no file", "", ErrUnchanged, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "things.json")
			if c.content != "" {
				if err := os.WriteFile(path, []byte(c.content), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			f := &JSONFile{Path: path, What: "things"}
			var v []string
			called := false
			err := f.Update(&v, func() error {
				called = true
				v = append(v, "changed")
				return c.change
			})
			switch {
			case c.want == "" && err != nil:
				t.Fatalf("Update: %v", err)
			case c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)):
				t.Fatalf("Update: %v, want an error saying %q", err, c.want)
			case c.change == nil && called:
				t.Fatal("change was called on a file that does not decode")
			case c.change == nil && !strings.Contains(err.Error(), path):
				t.Fatalf("the error %q does not name %s", err, path)
			}
			raw, err := os.ReadFile(path)
			if c.content == "" {
				if !errors.Is(err, os.ErrNotExist) {
					t.Fatalf("a file was written: %q, %v", raw, err)
				}
				return
			}
			if string(raw) != c.content {
				t.Fatalf("the file changed to %q", raw)
			}
		})
	}
}

func TestWriteFileAtomic(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "new")
	path := filepath.Join(dir, "key")
	for _, data := range []string{"first", "second, longer"} {
		if err := WriteFileAtomic(path, []byte(data)); err != nil {
			t.Fatal(err)
		}
		raw, err := os.ReadFile(path)
		if err != nil || string(raw) != data {
			t.Fatalf("read %q, %v; want %q", raw, err, data)
		}
	}
	if st, err := os.Stat(path); err != nil || st.Mode().Perm() != PrivateMode {
		t.Fatalf("mode %v, %v; want %v", st.Mode(), err, PrivateMode)
	}
	if st, err := os.Stat(dir); err != nil || st.Mode().Perm() != DirMode {
		t.Fatalf("directory mode %v, %v; want %v", st.Mode(), err, DirMode)
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Fatalf("temporary files left behind: %v", left)
	}
	// A write that fails leaves the old file and no temporary one.
	if err := os.Mkdir(filepath.Join(dir, "adir"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := WriteFileAtomic(filepath.Join(dir, "adir"), []byte("x")); err == nil {
		t.Fatal("replacing a directory worked")
	}
	if left := tempFiles(t, dir); len(left) > 0 {
		t.Fatalf("temporary files left behind after a failure: %v", left)
	}
}
