package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// completionScript writes `llcast completion SHELL` into a temporary
// file, with a file and a directory next to it for the file flags.
func completionScript(t *testing.T, shell string) (script, dir string) {
	t.Helper()
	out, _, err := runCLI(t, "", "completion", shell)
	if err != nil {
		t.Fatalf("completion %s: %v", shell, err)
	}
	dir = t.TempDir()
	script = filepath.Join(dir, "llcast."+shell)
	if err := os.WriteFile(script, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "mine.yml"), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(filepath.Join(dir, "mydata"), 0o700); err != nil {
		t.Fatal(err)
	}
	return script, dir
}

// completionCases are command lines (the last word is being completed)
// and what completing them must offer, in every shell.
func completionCases(dir string) []struct {
	line []string
	want []string
} {
	return []struct {
		line []string
		want []string
	}{
		{[]string{"llcast", "str"}, []string{"stream"}},
		{[]string{"llcast", "user", "a"}, []string{"add"}},
		{[]string{"llcast", "user", ""}, []string{"add", "passwd", "list", "remove"}},
		{[]string{"llcast", "link", ""}, []string{"list", "revoke"}},
		{[]string{"llcast", "completion", "z"}, []string{"zsh"}},
		{[]string{"llcast", "help", "pu"}, []string{"push"}},
		// Flags of the subcommand, after a flag's value.
		{[]string{"llcast", "stream", "add", "obs", "--vo"}, []string{"--vod"}},
		{[]string{"llcast", "link", "--data", "x", "--con"}, []string{"--config"}},
		{[]string{"llcast", "user", "add", "bob", "--role", "admin", "--password-s"}, []string{"--password-stdin"}},
		{[]string{"llcast", "serve", "--video-b"}, []string{"--video-bitrate"}},
		// Files after file flags, directories after directory flags.
		{[]string{"llcast", "serve", "--config", filepath.Join(dir, "mi")}, []string{filepath.Join(dir, "mine.yml")}},
		{[]string{"llcast", "link", "--data", filepath.Join(dir, "m")}, []string{filepath.Join(dir, "mydata")}},
	}
}

func checkCompletion(t *testing.T, line []string, got, want []string) {
	t.Helper()
	for i, g := range got {
		got[i] = strings.TrimSuffix(g, "/")
	}
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		t.Errorf("completing %q: %q, want %q", line, got, want)
	}
}

// TestCompletionBash: the script parses, and sourced, its function
// completes commands, subcommands, flags and file names.
func TestCompletionBash(t *testing.T) {
	bash, err := exec.LookPath("bash")
	if err != nil {
		t.Skip("no bash here")
	}
	script, dir := completionScript(t, "bash")
	if out, err := exec.Command(bash, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("bash -n: %v\n%s", err, out)
	}
	for _, c := range completionCases(dir) {
		// COMP_WORDS and COMP_CWORD are what bash hands the function.
		sh := `source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _llcast; printf '%s\n' "${COMPREPLY[@]}"`
		out, err := exec.Command(bash, append([]string{"-c", sh, "bash", script}, c.line...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("completing %q: %v\n%s", c.line, err, out)
		}
		checkCompletion(t, c.line, strings.Fields(string(out)), c.want)
	}
}

// TestCompletionZsh runs the completion function with zsh's completion
// builtins replaced by ones that print what they are given.
func TestCompletionZsh(t *testing.T) {
	script, dir := completionScript(t, "zsh")
	raw, _ := os.ReadFile(script)
	if !strings.HasPrefix(string(raw), "#compdef llcast\n") || !strings.Contains(string(raw), "compdef _llcast llcast") {
		t.Fatalf("not a zsh completion script:\n%s", raw)
	}
	zsh, err := exec.LookPath("zsh")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no zsh in CI: .ci/deps installs it")
		}
		t.Skip("no zsh here: checked the script's content only")
	}
	if out, err := exec.Command(zsh, "-n", script).CombinedOutput(); err != nil {
		t.Fatalf("zsh -n: %v\n%s", err, out)
	}
	for _, c := range completionCases(dir) {
		// compadd gets the words before zsh filters them by prefix: do
		// that here. _files stands for file names: list them.
		sh := `compdef() {}; compset() {}
compadd() { [[ $1 == -- ]] && shift; local w; for w in "$@"; do [[ $w == ${words[CURRENT]}* ]] && print -r -- $w; done }
_files() { if [[ $1 == -/ ]]; then print -rl -- ${words[CURRENT]}*(N/); else print -rl -- ${words[CURRENT]}*(N); fi }
source "$1"; shift; words=("$@"); CURRENT=$#; _llcast; true`
		out, err := exec.Command(zsh, append([]string{"-f", "-c", sh, "zsh", script}, c.line...)...).CombinedOutput()
		if err != nil {
			t.Fatalf("completing %q: %v\n%s", c.line, err, out)
		}
		checkCompletion(t, c.line, strings.Fields(string(out)), c.want)
	}
}

// TestCompletionFish asks fish itself (complete -C) what the script
// completes.
func TestCompletionFish(t *testing.T) {
	script, dir := completionScript(t, "fish")
	raw, _ := os.ReadFile(script)
	if !strings.Contains(string(raw), "complete -c llcast -n '__llcast_at \\'\\'' -a stream") {
		t.Fatalf("not a fish completion script:\n%s", raw)
	}
	fish, err := exec.LookPath("fish")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("no fish in CI: .ci/deps installs it")
		}
		t.Skip("no fish here: checked the script's content only")
	}
	if out, err := exec.Command(fish, "--no-execute", script).CombinedOutput(); err != nil {
		t.Fatalf("fish --no-execute: %v\n%s", err, out)
	}
	for _, c := range completionCases(dir) {
		line := strings.Join(c.line, " ")
		out, err := exec.Command(fish, "--no-config", "-c", `source $argv[1]; complete -C $argv[2]`, script, line).CombinedOutput()
		if err != nil {
			t.Fatalf("completing %q: %v\n%s", line, err, out)
		}
		var got []string
		for l := range strings.Lines(string(out)) {
			w, _, _ := strings.Cut(strings.TrimSpace(l), "\t") // a word, then its description
			got = append(got, w)
		}
		checkCompletion(t, c.line, got, c.want)
	}
}

// TestCompletionFollowsTheCommands: the scripts hold every command of the
// table and the flags the commands parse, so they cannot drift apart.
func TestCompletionFollowsTheCommands(t *testing.T) {
	tree, err := newCompletionTree(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	nodes := map[string]completionNode{}
	for _, n := range tree.nodes {
		nodes[n.key] = n
	}
	for _, c := range commands() {
		if !slices.Contains(nodes[""].words("subs"), c.name) {
			t.Errorf("command %q is not completed", c.name)
		}
	}
	for key, want := range map[string][]string{
		"serve":         {"--config", "--data", "--listen", "--tls", "--video-bitrate"},
		"link":          {"--base", "--config", "--data", "--stream", "--ttl"},
		"link revoke":   {"--config", "--data"},
		"user add":      {"--role", "--streams", "--password-stdin", "--data"},
		"stream key":    {"--rotate", "--json"},
		"completion":    {"--help"},
		"stream":        {"--help"},
		"user passwd":   {"--password-stdin"},
		"stream add":    {"--file", "--vod", "--local"},
		"push":          {"--to", "--stream", "--key"},
		"devices":       {"--json"},
		"version":       {"--help"},
		"link list":     {"--data"},
		"stream remove": {"--data"},
	} {
		n, ok := nodes[key]
		if !ok {
			t.Errorf("no completion for %q", key)
			continue
		}
		for _, f := range want {
			if !slices.Contains(n.words("flags"), f) {
				t.Errorf("%q: %s is not completed (%v)", key, f, n.words("flags"))
			}
		}
	}
	if got := nodes["serve"].words("file"); !slices.Contains(got, "--config") || slices.Contains(got, "--data") {
		t.Errorf("serve's file flags: %v", got)
	}
	if got := nodes["serve"].words("dir"); !slices.Equal(got, []string{"--data"}) {
		t.Errorf("serve's directory flags: %v", got)
	}
	if got := nodes["stream"].words("subs"); !slices.Contains(got, "add") || !slices.Contains(got, "key") {
		t.Errorf("stream's subcommands: %v", got)
	}
}

func TestCompletionUsage(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"completion"}, "llcast completion bash|zsh|fish"},
		{[]string{"completion", "tcsh"}, `unknown completion command "tcsh"`},
		{[]string{"completion", "bash", "extra"}, `unexpected argument "extra"`},
	} {
		_, errOut, err := runCLI(t, "", c.args...)
		if err == nil || exitCode(err) != 2 || !strings.Contains(err.Error(), c.want) || !strings.Contains(errOut, "Usage:") {
			t.Errorf("%v: %v, want a usage error about %q", c.args, err, c.want)
		}
	}
}
