package ingesttest

import (
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"
)

// timeout bounds every wait: long enough for a loaded CI machine running
// the race detector, short enough to keep a test that hangs under 20 s.
const timeout = 15 * time.Second

// WaitFor polls cond until it holds, failing the test after 15 s with
// what it waited for. It is for conditions nothing signals; it never
// asserts how long they take.
func WaitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	if !poll(cond) {
		t.Fatalf("timed out waiting for %s", what)
	}
}

// MustReturn calls f on a goroutine of its own and waits for it to
// return, failing the test with what after 15 s: for calls that must not
// hang, such as Close with a client still connected.
func MustReturn(t testing.TB, what string, f func()) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		f()
	}()
	select {
	case <-done:
	case <-time.After(timeout):
		t.Fatalf("%s did not return", what)
	}
}

// CheckNoLeaks waits for the number of goroutines to come back to base
// (runtime.NumGoroutine before the test started what it checks), failing
// the test with every goroutine's stack after 15 s. Goroutines whose stack
// holds every one of the known texts are not counted: a leak of a
// dependency that llcast cannot end, named where it is passed.
func CheckNoLeaks(t testing.TB, base int, known ...string) {
	t.Helper()
	if !poll(func() bool { return goroutines(known) <= base }) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("%d goroutines left, %d before:\n%s", goroutines(known), base, buf[:n])
	}
}

// goroutines counts the goroutines whose stack does not hold all of known.
func goroutines(known []string) int {
	if len(known) == 0 {
		return runtime.NumGoroutine()
	}
	buf := make([]byte, 1<<20)
	return countStacks(string(buf[:runtime.Stack(buf, true)]), known)
}

// countStacks counts the goroutines of a runtime.Stack dump whose stack
// lacks one of known.
func countStacks(dump string, known []string) int {
	n := 0
	for _, g := range strings.Split(dump, "\n\n") {
		if slices.ContainsFunc(known, func(k string) bool { return !strings.Contains(g, k) }) {
			n++
		}
	}
	return n
}

// poll reports whether cond came to hold within timeout.
func poll(cond func() bool) bool {
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
	return true
}
