package httpapi

import (
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// TestMetricsTokenFirstStartsAgree: processes making the token at once
// (the server and `llcast metrics-token`) end with one, kept 0600.
func TestMetricsTokenFirstStartsAgree(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", MetricsTokenFile)
	const starts = 8
	tokens := make([]string, starts)
	errs := make([]error, starts)
	var wg sync.WaitGroup
	for i := range starts {
		wg.Go(func() { tokens[i], errs[i] = LoadOrCreateMetricsToken(path) })
	}
	wg.Wait()
	for i := range starts {
		if errs[i] != nil {
			t.Fatalf("start %d: %v", i, errs[i])
		}
		if tokens[i] != tokens[0] {
			t.Fatalf("start %d has another token than start 0", i)
		}
	}
	if len(tokens[0]) < minTokenLength {
		t.Errorf("token of %d characters, want at least %d", len(tokens[0]), minTokenLength)
	}
	info, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if mode := info.Mode().Perm(); mode != 0o600 {
		t.Errorf("token file mode %#o, want 0600", mode)
	}
	rotated, err := RotateMetricsToken(path)
	if err != nil || rotated == tokens[0] {
		t.Fatalf("rotation gave the same token, or %v", err)
	}
	if again, err := LoadOrCreateMetricsToken(path); err != nil || again != rotated {
		t.Errorf("after rotation the file holds another token than the new one: %v", err)
	}
}

// TestMetricsTokenRefusesWeakFiles: a file too short or with spaces or
// control characters is an error that says what to do, and no token is
// accepted meanwhile; a token written by hand, with a line end, works.
func TestMetricsTokenRefusesWeakFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), MetricsTokenFile)
	mt := &MetricsToken{Path: path}
	for _, bad := range []string{"short\n", "", strings.Repeat("a", 20) + " " + strings.Repeat("b", 20), strings.Repeat("é", 20)} {
		if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, err := LoadOrCreateMetricsToken(path); err == nil || !strings.Contains(err.Error(), "--rotate") {
			t.Errorf("%q: %v, want an error that points to --rotate", bad, err)
		}
		if ok, err := mt.Check(strings.TrimSpace(bad)); ok || err == nil {
			t.Errorf("%q: Check %v %v, want refused with an error", bad, ok, err)
		}
	}
	own := strings.Repeat("k", 40)
	if err := os.WriteFile(path, []byte(own+"\r\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if ok, err := mt.Check(own); !ok || err != nil {
		t.Errorf("a token of one's own: %v %v", ok, err)
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	if ok, err := mt.Check(own); ok || err == nil {
		t.Errorf("with the file gone: %v %v, want refused with an error", ok, err)
	}
}
