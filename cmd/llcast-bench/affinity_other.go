//go:build !linux

package main

import "errors"

// errNoAffinity: pinning threads to CPUs is done for Linux only.
var errNoAffinity = errors.New("pinning to a CPU is implemented for Linux only")

func allowedCPUs() ([]int, error) { return nil, errNoAffinity }

func pinProcess(int) (func() error, error) { return nil, errNoAffinity }
