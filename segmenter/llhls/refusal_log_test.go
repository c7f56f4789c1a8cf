package llhls

import (
	"strings"
	"testing"
	"time"
)

// TestRefusalLogIsRateLimited: the first refusal is logged at once; the
// ones within every are counted and logged together by the timer (called
// here by hand), or at close; after close nothing more is logged.
func TestRefusalLogIsRateLimited(t *testing.T) {
	logs := &lockedBuffer{}
	var l refusalLog
	l.init(logs.logger(), time.Hour) // the timer never fires during the test
	step := func(what string, do func(), want ...string) {
		t.Helper()
		before := len(logs.lines())
		do()
		got := logs.lines()[before:]
		if len(got) != len(want) {
			t.Fatalf("%s: logged %q, want %d lines", what, got, len(want))
		}
		for i := range want {
			if !strings.Contains(got[i], want[i]) || !strings.Contains(got[i], "level=WARN") {
				t.Errorf("%s: logged %q, want %q", what, got[i], want[i])
			}
		}
	}
	step("the first refusal", func() { l.add(errClientWaiting) }, "refused=1 over_client_cap=1 over_stream_cap=0")
	step("a flood", func() {
		for i := range 1000 {
			l.add([]error{errClientWaiting, errStreamWaiting}[i%2])
		}
	})
	if l.timer == nil {
		t.Fatal("no line is due for the flood")
	}
	step("the timer", l.flush, "refused=1000 over_client_cap=500 over_stream_cap=500")
	step("the timer again, nothing refused", l.flush)
	step("a refusal right after a line", func() { l.add(errStreamWaiting) })
	step("close", l.close, "refused=1 over_client_cap=0 over_stream_cap=1")
	step("after close", func() { l.add(errStreamWaiting) })
	if l.timer != nil {
		t.Error("a line is due after close")
	}
}
