package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

func TestClipboardCopy(t *testing.T) {
	truePath, err := exec.LookPath("true")
	if err != nil {
		t.Skip("no true program to stand in for a clipboard tool")
	}
	falsePath, err := exec.LookPath("false")
	if err != nil {
		t.Skip("no false program to stand in for a failing clipboard tool")
	}
	cases := []struct {
		name      string
		installed []string // tools LookPath finds
		failing   []string // installed tools that exit with an error
		wantTried []string // tools run, in order
		wantErr   string
	}{
		{name: "nothing installed", wantErr: "no clipboard tool found (install wl-clipboard, xclip or xsel)"},
		{name: "wl-copy first", installed: []string{"xclip", "wl-copy"}, wantTried: []string{"wl-copy"}},
		{name: "xclip", installed: []string{"xsel", "xclip"}, wantTried: []string{"xclip"}},
		{name: "xsel", installed: []string{"xsel"}, wantTried: []string{"xsel"}},
		{name: "wl-copy outside Wayland falls through", installed: []string{"wl-copy", "xsel"}, failing: []string{"wl-copy"},
			wantTried: []string{"wl-copy", "xsel"}},
		{name: "all fail", installed: []string{"wl-copy", "xclip"}, failing: []string{"wl-copy", "xclip"},
			wantTried: []string{"wl-copy", "xclip"}, wantErr: "cannot copy to the clipboard: wl-copy: exit status 1\nxclip: exit status 1"},
	}
	wantArgs := map[string][]string{
		"wl-copy": nil, "xclip": {"-selection", "clipboard"}, "xsel": {"--clipboard", "--input"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tried []string
			cb := &clipboard{
				LookPath: func(file string) (string, error) {
					if slices.Contains(c.installed, file) {
						return "/fake/" + file, nil
					}
					return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
				},
				Command: func(ctx context.Context, name string, arg ...string) *exec.Cmd {
					tool := strings.TrimPrefix(name, "/fake/")
					tried = append(tried, tool)
					if !slices.Equal(arg, wantArgs[tool]) {
						t.Errorf("%s run with %q, want %q", tool, arg, wantArgs[tool])
					}
					if slices.Contains(c.failing, tool) {
						return exec.CommandContext(ctx, falsePath)
					}
					return exec.CommandContext(ctx, truePath)
				},
			}
			err := cb.Copy(t.Context(), "http://host/?invite=x")
			if c.wantErr == "" && err != nil {
				t.Fatal(err)
			}
			if c.wantErr != "" && (err == nil || err.Error() != c.wantErr) {
				t.Fatalf("error %q, want %q", err, c.wantErr)
			}
			if len(c.installed) == 0 && !errors.Is(err, errNoClipboard) {
				t.Errorf("error %v is not errNoClipboard", err)
			}
			if !slices.Equal(tried, c.wantTried) {
				t.Errorf("tried %q, want %q", tried, c.wantTried)
			}
		})
	}
}

// TestClipboardSendsText checks that the text reaches the tool's stdin.
func TestClipboardSendsText(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	out := t.TempDir() + "/clip"
	cb := &clipboard{
		LookPath: func(file string) (string, error) { return file, nil },
		Command: func(ctx context.Context, _ string, _ ...string) *exec.Cmd {
			return exec.CommandContext(ctx, sh, "-c", `cat > "$1"`, "sh", out)
		},
	}
	if err := cb.Copy(t.Context(), "http://host/?invite=x"); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(out)
	if err != nil || string(got) != "http://host/?invite=x" {
		t.Errorf("the tool got %q (%v)", got, err)
	}
}
