package main

import (
	"strings"
	"testing"
)

// TestEveryCommandHasHelp: `llcast help` lists every command of the
// table, and each command and subcommand prints its usage for --help and
// for `llcast help CMD [SUB]`, without doing anything.
func TestEveryCommandHasHelp(t *testing.T) {
	out, _, err := runCLI(t, "", "help")
	if err != nil {
		t.Fatal(err)
	}
	tree, err := newCompletionTree(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range tree.nodes {
		if n.key == "" {
			continue
		}
		name, _, _ := strings.Cut(n.key, " ")
		if !strings.Contains(out, "  llcast "+name+" ") && !strings.Contains(out, "  llcast "+name+"\n") {
			t.Errorf("llcast help does not list %q:\n%s", name, out)
		}
		args := strings.Fields(n.key)
		for _, line := range [][]string{append(args, "--help"), append([]string{"help"}, args...)} {
			stdout, stderr, err := runCLI(t, "", line...)
			if err != nil {
				t.Errorf("%q: %v", line, err)
			}
			if !strings.Contains(stdout+stderr, "Usage:") {
				t.Errorf("%q printed no usage:\n%s%s", line, stdout, stderr)
			}
		}
	}
	if _, errOut, err := runCLI(t, "", "help", "bogus"); err == nil || exitCode(err) != 2 || !strings.Contains(errOut, "Usage:") {
		t.Errorf("help bogus: %v", err)
	}
	if out, _, err := runCLI(t, "", "--version"); err != nil || !strings.HasPrefix(out, "llcast ") {
		t.Errorf("--version: %q %v", out, err)
	}
}
