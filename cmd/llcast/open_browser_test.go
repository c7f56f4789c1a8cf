package main

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestOpenerCommands(t *testing.T) {
	const url = "http://192.168.1.5:8080/studio"
	cases := []struct {
		goos     string
		missing  bool
		wantName string
		wantArgs []string
		wantErr  string
	}{
		{goos: "linux", wantName: "xdg-open", wantArgs: []string{url}},
		{goos: "freebsd", wantName: "xdg-open", wantArgs: []string{url}},
		{goos: "darwin", wantName: "open", wantArgs: []string{url}},
		{goos: "windows", wantName: "rundll32", wantArgs: []string{"url.dll,FileProtocolHandler", url}},
		{goos: "linux", missing: true, wantErr: "cannot open a browser: xdg-open not found; open " + url + " yourself"},
		{goos: "darwin", missing: true, wantErr: "cannot open a browser: open not found; open " + url + " yourself"},
	}
	for _, c := range cases {
		t.Run(c.goos, func(t *testing.T) {
			var looked, ran string
			var args []string
			o := &opener{
				GOOS: c.goos,
				LookPath: func(file string) (string, error) {
					looked = file
					if c.missing {
						return "", &exec.Error{Name: file, Err: exec.ErrNotFound}
					}
					return "/fake/bin/" + file, nil
				},
				Command: func(ctx context.Context, name string, arg ...string) *exec.Cmd {
					ran, args = name, arg
					return harmlessCommand(ctx)
				},
			}
			err := o.Open(t.Context(), url)
			o.Wait()
			if c.wantErr != "" {
				if err == nil || err.Error() != c.wantErr {
					t.Fatalf("error %v, want %q", err, c.wantErr)
				}
				if ran != "" {
					t.Errorf("ran %s although it was not found", ran)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if looked != c.wantName || ran != "/fake/bin/"+c.wantName || !slices.Equal(args, c.wantArgs) {
				t.Errorf("looked up %q, ran %q %q; want %q %q", looked, ran, args, c.wantName, c.wantArgs)
			}
		})
	}
}

func TestOpenerStartFails(t *testing.T) {
	o := &opener{
		LookPath: func(file string) (string, error) { return "/nonexistent/" + file, nil },
	}
	err := o.Open(t.Context(), "http://localhost:8080/")
	if err == nil || !strings.Contains(err.Error(), "open http://localhost:8080/ yourself") {
		t.Fatalf("error %v, want one telling to open the URL by hand", err)
	}
	if errors.Is(err, exec.ErrNotFound) {
		t.Errorf("a failed start reads as not found: %v", err)
	}
}

// TestOpenerDoesNotBlock: Open returns while the opener still runs, and
// ending the context ends it.
func TestOpenerDoesNotBlock(t *testing.T) {
	sleep, err := exec.LookPath("sleep")
	if err != nil {
		t.Skip("no sleep program to stand in for a slow opener")
	}
	o := &opener{
		LookPath: func(string) (string, error) { return sleep, nil },
		Command: func(ctx context.Context, _ string, _ ...string) *exec.Cmd {
			return exec.CommandContext(ctx, sleep, "30")
		},
	}
	ctx, cancel := context.WithCancel(t.Context())
	start := time.Now()
	if err := o.Open(ctx, "http://localhost/"); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 10*time.Second {
		t.Fatalf("Open blocked for %v", d)
	}
	cancel()
	waited := make(chan struct{})
	go func() { o.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-time.After(10 * time.Second):
		t.Fatal("the opener was not stopped with its context")
	}
}

// harmlessCommand is a program that exits at once: true, or else this test
// binary running no test.
func harmlessCommand(ctx context.Context) *exec.Cmd {
	if p, err := exec.LookPath("true"); err == nil {
		return exec.CommandContext(ctx, p)
	}
	return exec.CommandContext(ctx, os.Args[0], "-test.run=^$")
}
