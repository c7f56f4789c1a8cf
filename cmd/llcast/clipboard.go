package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"
)

// errNoClipboard: none of the clipboard programs is installed.
var errNoClipboard = errors.New("no clipboard tool found (install wl-clipboard, xclip or xsel)")

// clipboard puts text on the desktop's clipboard through whichever
// clipboard program is installed.
type clipboard struct {
	// LookPath finds a program. It defaults to exec.LookPath.
	LookPath func(file string) (string, error)
	// Command builds the command. It defaults to exec.CommandContext.
	Command func(ctx context.Context, name string, arg ...string) *exec.Cmd
	// Timeout bounds each attempt. It defaults to 5 s.
	Timeout time.Duration
}

// clipboardTools are tried in this order; the first that works wins, so a
// Wayland tool failing under X11 falls through to the X11 ones.
func clipboardTools() [][]string {
	return [][]string{
		{"wl-copy"},
		{"xclip", "-selection", "clipboard"},
		{"xsel", "--clipboard", "--input"},
		{"pbcopy"},
		{"clip"},
	}
}

// Copy puts text on the clipboard.
func (c *clipboard) Copy(ctx context.Context, text string) error {
	lookPath, command, timeout := c.LookPath, c.Command, c.Timeout
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if command == nil {
		command = exec.CommandContext
	}
	if timeout <= 0 {
		timeout = 5 * time.Second
	}
	var errs []error
	for _, tool := range clipboardTools() {
		path, err := lookPath(tool[0])
		if err != nil {
			continue
		}
		if err := copyWith(ctx, command, timeout, path, tool[1:], text); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", tool[0], err))
			continue
		}
		return nil
	}
	if len(errs) == 0 {
		return errNoClipboard
	}
	return fmt.Errorf("cannot copy to the clipboard: %w", errors.Join(errs...))
}

func copyWith(ctx context.Context, command func(context.Context, string, ...string) *exec.Cmd,
	timeout time.Duration, path string, args []string, text string) error {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := command(ctx, path, args...)
	cmd.Stdin = strings.NewReader(text)
	// xclip and wl-copy fork a child that serves the clipboard until another
	// program takes it; no output pipes are attached, so Run does not wait
	// for that child.
	cmd.Stdout, cmd.Stderr = nil, nil
	cmd.WaitDelay = time.Second
	return cmd.Run()
}
