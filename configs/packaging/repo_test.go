package packaging

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// repoRoot is the repository's top folder, where the Makefile is.
func repoRoot(t *testing.T) string {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "Makefile")); err != nil {
		t.Fatalf("no Makefile at the repository's top: %v", err)
	}
	return root
}

// goModVersion is the Go version go.mod's go line asks for.
func goModVersion(t *testing.T, root string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`(?m)^go ([0-9.]+)`).FindSubmatch(b)
	if m == nil {
		t.Fatal("go.mod has no go line")
	}
	return string(m[1])
}

// cleanEnv is the test's environment without the named variables, and
// without make's own, which a `make test` around the test would pass on
// to a make the test starts, and LLCAST_NO_INSTALL.
func cleanEnv(drop ...string) []string {
	drop = append(drop, "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES", "LLCAST_NO_INSTALL")
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		keep := true
		for _, d := range drop {
			keep = keep && name != d
		}
		if keep {
			env = append(env, kv)
		}
	}
	return env
}

// makeEnv is the environment of a make the test starts.
// LLCAST_NO_INSTALL=1 keeps it from installing Debian packages: a missing
// one fails instead.
func makeEnv(extra ...string) []string {
	return append(append(cleanEnv(), "LLCAST_NO_INSTALL=1"), extra...)
}

// needTool returns the path of a program the test needs. Where it is
// missing the test is skipped, except in CI (CI=true), where .ci/deps has
// installed it and its absence is a failure.
func needTool(t *testing.T, name string) string {
	t.Helper()
	path, err := exec.LookPath(name)
	if err == nil {
		return path
	}
	if os.Getenv("CI") == "true" {
		t.Fatalf("%s is missing in CI: .ci/deps installs it", name)
	}
	t.Skipf("%s is missing (make deps installs it)", name)
	return ""
}
