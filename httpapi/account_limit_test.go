package httpapi

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

func TestAccountLimiterLocksAfterFailures(t *testing.T) {
	for _, known := range []bool{true, false} {
		t.Run("known="+strconv.FormatBool(known), func(t *testing.T) {
			l := newAccountLimiter(20, 10*time.Minute, time.Minute)
			now := time.Unix(1_000_000, 0)
			for i := range 19 {
				if l.fail("alice", known, now.Add(time.Duration(i)*time.Second)) {
					t.Fatalf("failure %d locked the name", i+1)
				}
			}
			now = now.Add(19 * time.Second)
			if wait := l.wait("alice", now); wait != 0 {
				t.Fatalf("after 19 failures: wait %v, want 0", wait)
			}
			if !l.fail("alice", known, now) {
				t.Fatal("the 20th failure did not lock the name")
			}
			if wait := l.wait("alice", now); wait != time.Minute {
				t.Fatalf("locked: wait %v, want 1m", wait)
			}
			if wait := l.wait("alice", now.Add(59*time.Second)); wait != time.Second {
				t.Fatalf("59 s later: wait %v, want 1s", wait)
			}
			if wait := l.wait("bob", now); wait != 0 {
				t.Fatalf("another name waits %v", wait)
			}
			now = now.Add(time.Minute)
			if wait := l.wait("alice", now); wait != 0 {
				t.Fatalf("a minute later: wait %v, want 0", wait)
			}
			// The window still holds 19 failures: the next one locks again.
			if !l.fail("alice", known, now) {
				t.Fatal("a failure right after the lock did not lock again")
			}
			// Once the window has passed, the count starts over.
			now = now.Add(11 * time.Minute)
			if l.fail("alice", known, now) || l.wait("alice", now) != 0 {
				t.Fatal("a failure after the window locked the name")
			}
		})
	}
}

func TestAccountLimiterSlowFailuresNeverLock(t *testing.T) {
	l := newAccountLimiter(20, 10*time.Minute, time.Minute)
	now := time.Unix(1_000_000, 0)
	// 19 failures every 10 minutes, for two hours.
	for i := range 19 * 12 {
		if l.fail("alice", true, now.Add(time.Duration(i)*(10*time.Minute/19+time.Second))) {
			t.Fatalf("failure %d locked the name", i+1)
		}
	}
}

func TestAccountLimiterSuccessClears(t *testing.T) {
	l := newAccountLimiter(3, time.Minute, time.Minute)
	now := time.Unix(1_000_000, 0)
	l.fail("alice", true, now)
	l.fail("alice", true, now)
	l.succeed("alice")
	if l.fail("alice", true, now) {
		t.Fatal("failures before a successful login still counted")
	}
}

func TestAccountLimiterMemoryIsBounded(t *testing.T) {
	l := newAccountLimiter(3, time.Minute, time.Minute)
	l.maxOthers = 100
	now := time.Unix(1_000_000, 0)
	l.fail("alice", true, now)
	for i := range 10_000 {
		l.fail("guess"+strconv.Itoa(i), false, now)
	}
	if l.others > l.maxOthers || len(l.names) > l.maxOthers+1 {
		t.Fatalf("%d names kept (%d unknown), want at most %d unknown", len(l.names), l.others, l.maxOthers)
	}
	if f := l.names["alice"]; f == nil || len(f.times) != 1 {
		t.Fatal("a flood of unknown names evicted an account's failures")
	}
	// A locked unknown name outlives the flood while unlocked ones remain.
	for range 3 {
		l.fail("locked", false, now)
	}
	for i := range 10_000 {
		l.fail("more"+strconv.Itoa(i), false, now)
	}
	if l.wait("locked", now) == 0 {
		t.Fatal("a flood of unknown names lifted a lock")
	}
	// Names longer than any account's are not kept at all.
	l.fail(strings.Repeat("p", maxCountedName+1), false, now)
	if _, ok := l.names[strings.Repeat("p", maxCountedName+1)]; ok {
		t.Fatal("a name longer than any account's was kept")
	}
	// Expired names go first.
	later := now.Add(2 * time.Minute)
	l.fail("fresh", false, later)
	if l.others != 1 {
		t.Fatalf("after the window, %d unknown names kept, want the fresh one only", l.others)
	}
}
