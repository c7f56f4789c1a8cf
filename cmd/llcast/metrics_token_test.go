package main

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/llcast/llcast/httpapi"
)

// TestMetricsTokenCommand: the token alone on stdout, the same each time
// and the one in the file; --rotate prints a new one and says so on
// stderr; a stray argument is a usage error.
func TestMetricsTokenCommand(t *testing.T) {
	dir := t.TempDir()
	tokenOf := func(args ...string) (string, string) {
		t.Helper()
		var out, errOut strings.Builder
		if err := run(context.Background(), append([]string{"metrics-token", "--data", dir}, args...), nil, &out, &errOut); err != nil {
			t.Fatalf("metrics-token %v: %v", args, err)
		}
		return out.String(), errOut.String()
	}
	first, _ := tokenOf()
	if strings.Count(first, "\n") != 1 || len(strings.TrimSpace(first)) < 26 {
		t.Fatalf("printed %q, want one token of 26 characters or more on a line", first)
	}
	if again, _ := tokenOf(); again != first {
		t.Errorf("a second run printed %q, want %q", again, first)
	}
	file, err := os.ReadFile(filepath.Join(dir, httpapi.MetricsTokenFile))
	if err != nil || string(file) != first {
		t.Errorf("the file holds %q (%v), want what was printed", file, err)
	}
	rotated, note := tokenOf("--rotate")
	if rotated == first || !strings.Contains(note, "old one no longer") {
		t.Errorf("--rotate printed %q and said %q", rotated, note)
	}
	err = run(context.Background(), []string{"metrics-token", "--data", dir, "extra"}, nil, io.Discard, io.Discard)
	if !errors.Is(err, errUsage) {
		t.Errorf("a stray argument: %v, want a usage error", err)
	}
}
