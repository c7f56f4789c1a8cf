package ingesttest

import (
	"runtime"
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
// the test with every goroutine's stack after 15 s.
func CheckNoLeaks(t testing.TB, base int) {
	t.Helper()
	if !poll(func() bool { return runtime.NumGoroutine() <= base }) {
		buf := make([]byte, 1<<20)
		n := runtime.Stack(buf, true)
		t.Fatalf("%d goroutines left, %d before:\n%s", runtime.NumGoroutine(), base, buf[:n])
	}
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
