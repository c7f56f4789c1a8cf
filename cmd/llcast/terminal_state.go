package main

import (
	"os"

	"golang.org/x/term"
)

// saveTerminal records f's terminal settings and returns a function that
// puts them back; it does nothing when f is not a terminal.
func saveTerminal(f *os.File) (restore func()) {
	fd := int(f.Fd())
	state, err := term.GetState(fd)
	if err != nil {
		return func() {}
	}
	return func() { _ = term.Restore(fd, state) }
}
