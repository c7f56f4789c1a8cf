//go:build linux

package main

import (
	"errors"
	"fmt"
	"os"
	"sync"

	"golang.org/x/sys/unix"
)

// keyReader reports single key presses on a terminal. While it runs the
// terminal neither buffers lines nor echoes, but Ctrl+C still sends SIGINT.
type keyReader struct {
	// In is the terminal, usually os.Stdin.
	In *os.File
	// OnKey is called, from the reading goroutine, with each byte typed.
	OnKey func(byte)

	fd        int
	saved     *unix.Termios // the terminal's settings before Start
	done      chan struct{}
	finished  chan struct{}
	closeOnce sync.Once
	err       error // why reading stopped early; read after finished
}

// Start switches the terminal to single keys and starts reading.
func (k *keyReader) Start() error {
	if k.In == nil {
		return errors.New("keyReader.In is nil: pass the terminal to read keys from")
	}
	if k.OnKey == nil {
		return errors.New("keyReader.OnKey is nil: pass a function to call with each key")
	}
	k.fd = int(k.In.Fd())
	saved, err := unix.IoctlGetTermios(k.fd, unix.TCGETS)
	if err != nil {
		return fmt.Errorf("cannot read single keys: %s is not a terminal (%w)", k.In.Name(), err)
	}
	raw := *saved
	raw.Lflag &^= unix.ICANON | unix.ECHO
	raw.Cc[unix.VMIN] = 1
	raw.Cc[unix.VTIME] = 0
	if err := unix.IoctlSetTermios(k.fd, unix.TCSETS, &raw); err != nil {
		return fmt.Errorf("cannot read single keys from %s: %w", k.In.Name(), err)
	}
	k.saved = saved
	k.done = make(chan struct{})
	k.finished = make(chan struct{})
	go k.run()
	return nil
}

// Close stops reading and restores the terminal's settings.
func (k *keyReader) Close() {
	if k.saved == nil {
		return
	}
	k.closeOnce.Do(func() {
		close(k.done)
		<-k.finished
		// TCSETSW would wait for output to drain; a stuck terminal must not
		// hold up shutdown.
		_ = unix.IoctlSetTermios(k.fd, unix.TCSETS, k.saved)
	})
}

// Err tells why reading stopped on its own (the terminal went away), once
// it has; it is nil while reading goes on and when Close stopped it.
func (k *keyReader) Err() error {
	if k.finished == nil {
		return nil
	}
	select {
	case <-k.finished:
		return k.err
	default:
		return nil
	}
}

func (k *keyReader) run() {
	defer close(k.finished)
	k.err = k.runInner()
}

// runInner polls with a timeout so that it notices Close without a key.
func (k *keyReader) runInner() error {
	buf := make([]byte, 64)
	fds := []unix.PollFd{{Fd: int32(k.fd), Events: unix.POLLIN}}
	for {
		select {
		case <-k.done:
			return nil
		default:
		}
		n, err := unix.Poll(fds, 100)
		if errors.Is(err, unix.EINTR) || n == 0 {
			continue
		}
		if err != nil {
			return fmt.Errorf("cannot wait for keys: %w", err)
		}
		if fds[0].Revents&unix.POLLIN == 0 {
			// Hung up or closed: nothing more will come.
			return fmt.Errorf("the terminal went away (poll events %#x)", fds[0].Revents)
		}
		n, err = unix.Read(k.fd, buf)
		if errors.Is(err, unix.EINTR) || errors.Is(err, unix.EAGAIN) {
			continue
		}
		if err != nil || n == 0 {
			return fmt.Errorf("cannot read keys: %v", err)
		}
		for _, b := range buf[:n] {
			k.OnKey(b)
		}
	}
}
