package httpapi

import (
	"bytes"
	"path/filepath"
	"sync"
	"testing"
)

// TestSigningKeyFirstStartsAgree: processes starting at once on an empty
// directory (the server and `llcast link`) end with one key, and none
// reads a key half written.
func TestSigningKeyFirstStartsAgree(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	const starts = 8
	keys := make([][]byte, starts)
	errs := make([]error, starts)
	var wg sync.WaitGroup
	for i := range starts {
		wg.Go(func() { keys[i], errs[i] = LoadOrCreateKey(dir) })
	}
	wg.Wait()
	for i := range starts {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if !bytes.Equal(keys[i], keys[0]) {
			t.Fatalf("start %d has another key than start 0", i)
		}
	}
	again, err := LoadOrCreateKey(dir)
	if err != nil || !bytes.Equal(again, keys[0]) {
		t.Fatalf("the key on disk is not the one handed out: %v", err)
	}
}
