//go:build linux

package main

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

func openPTY(t *testing.T) (master, tty *os.File) {
	t.Helper()
	master, tty, err := pty.Open()
	if err != nil {
		t.Skipf("no pseudo-terminal here: %v", err)
	}
	t.Cleanup(func() { master.Close(); tty.Close() })
	return master, tty
}

func TestKeyReader(t *testing.T) {
	master, tty := openPTY(t)
	if !isTerminal(tty) {
		t.Fatal("isTerminal is false for a pty")
	}
	before, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if before.Lflag&unix.ICANON == 0 {
		t.Fatal("a fresh pty is not in line mode; the test would prove nothing")
	}
	keys := make(chan byte, 16)
	k := &keyReader{In: tty, OnKey: func(b byte) { keys <- b }}
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	during, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if during.Lflag&(unix.ICANON|unix.ECHO) != 0 || during.Lflag&unix.ISIG == 0 {
		t.Errorf("while reading: lflag %#x, want ICANON and ECHO off, ISIG on", during.Lflag)
	}

	// Without a newline: only a terminal out of line mode passes this on.
	for _, want := range []byte("q ") {
		if _, err := master.Write([]byte{want}); err != nil {
			t.Fatal(err)
		}
		select {
		case got := <-keys:
			if got != want {
				t.Errorf("key %q, want %q", got, want)
			}
		case <-time.After(10 * time.Second):
			t.Fatalf("key %q not seen", want)
		}
	}

	// No key arrives, yet Close must end the reading goroutine.
	closed := make(chan struct{})
	go func() { k.Close(); close(closed) }()
	select {
	case <-closed:
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not return while no key came")
	}
	k.Close() // a second Close is harmless
	if err := k.Err(); err != nil {
		t.Errorf("Err after Close: %v", err)
	}
	after, err := unix.IoctlGetTermios(int(tty.Fd()), unix.TCGETS)
	if err != nil {
		t.Fatal(err)
	}
	if *after != *before {
		t.Errorf("terminal not restored:\nbefore %+v\nafter  %+v", *before, *after)
	}
}

func TestKeyReaderEndsWhenTerminalGoesAway(t *testing.T) {
	master, tty := openPTY(t)
	k := &keyReader{In: tty, OnKey: func(byte) {}}
	if err := k.Start(); err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	master.Close()
	deadline := time.Now().Add(10 * time.Second)
	for k.Err() == nil {
		if time.Now().After(deadline) {
			t.Fatal("reading went on after the terminal hung up")
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestKeyReaderStartErrors(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "not-a-tty")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cases := []struct {
		name string
		k    *keyReader
		want string
	}{
		{"no input", &keyReader{OnKey: func(byte) {}}, "keyReader.In is nil"},
		{"no callback", &keyReader{In: f}, "keyReader.OnKey is nil"},
		{"not a terminal", &keyReader{In: f, OnKey: func(byte) {}}, "is not a terminal"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.k.Start()
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one about %q", err, c.want)
			}
			c.k.Close() // harmless after a failed Start
		})
	}
}
