package main

import (
	"os"
	"os/exec"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestPackagesImportWhatREADMESays keeps README "Architecture" and the code
// in step: every package is in its table, and imports only the llcast
// packages its row allows.
func TestPackagesImportWhatREADMESays(t *testing.T) {
	const module = "github.com/llcast/llcast/"
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rules := importRules(t, string(readme))

	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", "../../...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for line := range strings.SplitSeq(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(fields[0], module)
		allowed, ok := rules[pkg]
		if !ok {
			t.Errorf("package %s is missing from README \"Packages and what each may import\"", pkg)
			continue
		}
		for _, imp := range fields[1:] {
			imp, ours := strings.CutPrefix(imp, module)
			if !ours || allowed.everything {
				continue
			}
			if !slices.ContainsFunc(allowed.pkgs, func(a string) bool {
				return a == imp || (strings.HasSuffix(a, "/…") && strings.HasPrefix(imp, strings.TrimSuffix(a, "…")))
			}) {
				t.Errorf("%s imports %s, which README \"Architecture\" does not allow it", pkg, imp)
			}
		}
	}
}

type importRule struct {
	everything bool
	pkgs       []string
}

// importRules reads the table under "### Packages and what each may
// import": its first column names packages, its last what they may import
// ("everything", "nothing", or a list in backquotes).
func importRules(t *testing.T, readme string) map[string]importRule {
	_, section, ok := strings.Cut(readme, "### Packages and what each may import")
	if !ok {
		t.Fatal(`README has no "### Packages and what each may import"`)
	}
	section, _, _ = strings.Cut(section, "\n### ")
	code := regexp.MustCompile("`([^`]+)`")
	rules := map[string]importRule{}
	for line := range strings.SplitSeq(section, "\n") {
		cells := strings.Split(strings.Trim(line, " |"), " | ")
		if len(cells) < 3 || !strings.HasPrefix(cells[0], "`") {
			continue
		}
		last := cells[len(cells)-1]
		var r importRule
		switch {
		case last == "everything":
			r.everything = true
		case strings.HasPrefix(last, "nothing"):
		default:
			for _, m := range code.FindAllStringSubmatch(last, -1) {
				r.pkgs = append(r.pkgs, m[1])
			}
		}
		for _, m := range code.FindAllStringSubmatch(cells[0], -1) {
			rules[m[1]] = r
		}
	}
	if len(rules) < 10 {
		t.Fatalf("read only %d packages from README's table", len(rules))
	}
	return rules
}
