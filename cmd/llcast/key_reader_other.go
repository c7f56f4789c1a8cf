//go:build !linux

package main

import (
	"errors"
	"os"
)

// keyReader reads single keys on Linux only; elsewhere Start says so and
// the caller goes on without keys.
type keyReader struct {
	In    *os.File
	OnKey func(byte)
}

// Start reports that single keys cannot be read here.
func (k *keyReader) Start() error {
	return errors.New("cannot read single keys: supported on Linux only")
}

// Close does nothing.
func (k *keyReader) Close() {}

// Err is always nil.
func (k *keyReader) Err() error { return nil }
