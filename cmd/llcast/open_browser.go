package main

import (
	"context"
	"errors"
	"fmt"
	"os/exec"
	"runtime"
	"sync"
)

// openBrowser asks the desktop to open url in the default browser and
// returns without waiting for it. The opener process is killed when ctx
// ends; use an opener and its Wait to also wait for it.
func openBrowser(ctx context.Context, url string) error {
	var o opener
	return o.Open(ctx, url)
}

// opener starts the system's URL opener: xdg-open, open or rundll32.
type opener struct {
	// GOOS picks the opener. It defaults to runtime.GOOS.
	GOOS string
	// LookPath finds a program. It defaults to exec.LookPath.
	LookPath func(file string) (string, error)
	// Command builds the command. It defaults to exec.CommandContext.
	Command func(ctx context.Context, name string, arg ...string) *exec.Cmd

	wg sync.WaitGroup // one per opener process still running
}

// Open starts the opener for url and returns once it runs; a goroutine
// reaps it when it exits.
func (o *opener) Open(ctx context.Context, url string) error {
	goos, lookPath, command := o.GOOS, o.LookPath, o.Command
	if goos == "" {
		goos = runtime.GOOS
	}
	if lookPath == nil {
		lookPath = exec.LookPath
	}
	if command == nil {
		command = exec.CommandContext
	}
	name, args := browserCommand(goos, url)
	path, err := lookPath(name)
	if err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return fmt.Errorf("cannot open a browser: %s not found; open %s yourself", name, url)
		}
		return fmt.Errorf("cannot open a browser: %w; open %s yourself", err, url)
	}
	cmd := command(ctx, path, args...)
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("cannot open a browser: %w; open %s yourself", err, url)
	}
	o.wg.Go(func() { _ = cmd.Wait() })
	return nil
}

// Wait waits for the opener processes started so far to exit.
func (o *opener) Wait() {
	o.wg.Wait()
}

func browserCommand(goos, url string) (string, []string) {
	switch goos {
	case "darwin":
		return "open", []string{url}
	case "windows":
		return "rundll32", []string{"url.dll,FileProtocolHandler", url}
	}
	return "xdg-open", []string{url}
}
