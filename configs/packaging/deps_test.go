package packaging

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// fakeCommands stand in for the system's: dpkg-query reports every package
// installed except $FAKE_MISSING, apt-get and sudo write their arguments
// to $FAKE_LOG (sudo then runs the command), id -u prints $FAKE_UID, go
// prints $FAKE_GO as its version. Nothing real is installed or queried.
var fakeCommands = map[string]string{
	"dpkg-query": `#!/bin/sh
for a in "$@"; do
  case $a in
    -*) ;;
    "$FAKE_MISSING") printf '%s\tunknown ok not-installed\n' "$a" ;;
    *) printf '%s\tinstall ok installed\n' "$a" ;;
  esac
done
`,
	"apt-get": `#!/bin/sh
echo "apt-get $*" >>"$FAKE_LOG"
`,
	"sudo": `#!/bin/sh
echo "sudo $*" >>"$FAKE_LOG"
exec "$@"
`,
	"id": `#!/bin/sh
echo "$FAKE_UID"
`,
	"go": `#!/bin/sh
echo "go version $FAKE_GO linux/amd64"
`,
	"npm": `#!/bin/sh
exit 0
`,
}

func TestDeps(t *testing.T) {
	root := repoRoot(t)
	want := goModVersion(t, root)
	for _, tc := range []struct {
		name      string
		set       string
		env       []string
		wantErr   bool
		wantCalls []string
		wantOut   []string
	}{
		{
			name:      "installs the missing package with sudo",
			env:       []string{"FAKE_MISSING=nginx", "FAKE_UID=1000"},
			wantCalls: []string{"sudo apt-get update", "apt-get update", "sudo apt-get install -y --no-install-recommends nginx", "apt-get install -y --no-install-recommends nginx"},
			wantOut:   []string{"nginx: reverse-proxy"},
		},
		{
			name:      "installs as root without sudo",
			env:       []string{"FAKE_MISSING=libx264-dev", "FAKE_UID=0"},
			wantCalls: []string{"apt-get update", "apt-get install -y --no-install-recommends libx264-dev"},
			wantOut:   []string{"libx264-dev: the H.264 encoder"},
		},
		{
			name:    "LLCAST_NO_INSTALL prints the command",
			env:     []string{"FAKE_MISSING=nginx", "FAKE_UID=1000", "LLCAST_NO_INSTALL=1"},
			wantErr: true,
			wantOut: []string{"sudo apt-get install -y --no-install-recommends nginx"},
		},
		{
			name:    "old Go",
			env:     []string{"FAKE_GO=go1.20", "FAKE_UID=1000"},
			wantErr: true,
			wantOut: []string{"Go 1.20 is too old: go.mod asks for Go " + want, "https://go.dev/doc/install"},
		},
		{
			name:    "missing Go",
			env:     []string{"GO=llcast-test-no-such-go", "FAKE_UID=1000"},
			wantErr: true,
			wantOut: []string{"Go is missing", "https://go.dev/doc/install"},
		},
		{
			name:    "every missing piece at once",
			env:     []string{"FAKE_GO=go1.20", "FAKE_MISSING=ffmpeg", "FAKE_UID=1000", "LLCAST_NO_INSTALL=1"},
			wantErr: true,
			wantOut: []string{"Go 1.20 is too old", "install -y --no-install-recommends ffmpeg"},
		},
		{
			name:    "no root and no sudo",
			env:     []string{"FAKE_MISSING=nginx", "FAKE_UID=1000", "SUDO=llcast-test-no-such-sudo"},
			wantErr: true,
			wantOut: []string{"there is no sudo", "apt-get install -y --no-install-recommends nginx"},
		},
		{
			name: "a test-only package is not needed to build",
			set:  "build",
			env:  []string{"FAKE_MISSING=chromium", "FAKE_UID=1000"},
		},
		{
			name: "nothing missing",
			env:  []string{"FAKE_UID=1000"},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			bin := filepath.Join(dir, "bin")
			if err := os.Mkdir(bin, 0o755); err != nil {
				t.Fatal(err)
			}
			for name, script := range fakeCommands {
				if err := os.WriteFile(filepath.Join(bin, name), []byte(script), 0o755); err != nil {
					t.Fatal(err)
				}
			}
			calls := filepath.Join(dir, "calls")
			set := tc.set
			if set == "" {
				set = "all"
			}
			cmd := exec.Command("bash", filepath.Join(root, ".ci", "deps"), set)
			cmd.Env = append(cleanEnv("GO", "SUDO", "APT_GET", "DPKG_QUERY"),
				"PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"),
				"FAKE_LOG="+calls, "FAKE_GO=go"+want, "FAKE_MISSING=")
			cmd.Env = append(cmd.Env, tc.env...)
			out, err := cmd.CombinedOutput()
			var exit *exec.ExitError
			if err != nil && !errors.As(err, &exit) {
				t.Fatal(err)
			}
			if tc.wantErr != (err != nil) {
				t.Fatalf("exit: %v, want failure %v; output:\n%s", err, tc.wantErr, out)
			}
			for _, w := range tc.wantOut {
				if !strings.Contains(string(out), w) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			var got []string
			if b, err := os.ReadFile(calls); err == nil {
				got = strings.Split(strings.TrimSpace(string(b)), "\n")
			}
			if strings.Join(got, "\n") != strings.Join(tc.wantCalls, "\n") {
				t.Errorf("commands run:\n%s\nwant:\n%s\noutput:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantCalls, "\n"), out)
			}
			if len(tc.wantOut) == 0 && !tc.wantErr && len(tc.wantCalls) == 0 && len(out) > 0 {
				t.Errorf("nothing to do, yet it said:\n%s", out)
			}
		})
	}
}
