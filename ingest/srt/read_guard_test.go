package srt

import (
	"io"
	"strings"
	"testing"
	"time"
)

func TestReadGuard(t *testing.T) {
	for _, c := range []struct {
		name string
		live bool
		want string
	}{
		{"start-up", false, "did not start"},
		{"silence", true, "sent nothing"},
	} {
		t.Run(c.name, func(t *testing.T) {
			pr, pw := io.Pipe()
			defer pw.Close()
			var r io.Reader = pr
			if c.live {
				// One byte at once, then nothing.
				r = io.MultiReader(strings.NewReader("x"), pr)
			}
			g := newReadGuard(r, 100*time.Millisecond, func() { pr.CloseWithError(io.EOF) })
			defer g.stop()
			if c.live {
				g.goLive()
				buf := make([]byte, 1)
				if n, err := g.Read(buf); n != 1 || err != nil {
					t.Fatalf("Read = %d, %v", n, err)
				}
			}
			_, err := g.Read(make([]byte, 1))
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Read error = %v, want one saying %q", err, c.want)
			}
		})
	}
}
