package file

import (
	"os"
	"testing"
	"time"

	"github.com/llcast/llcast/ingest/ingesttest"
)

// FuzzOpen feeds Open damaged and made-up files: it must fail cleanly or
// give samples, never panic. The seeds are tiny real files (large ones
// slow the fuzzer to a crawl) and pieces of them.
func FuzzOpen(f *testing.F) {
	for _, args := range [][]string{
		join(h264Args, aacArgs, []string{"-f", "mp4"}),
		join(h264Args, aacArgs, []string{"-f", "mp4", "-movflags", "+faststart"}),
		join(h264Args, aacArgs, []string{"-f", "mpegts"}),
		{"-map", "1:a", "-c:a", "aac", "-f", "mp4"},
	} {
		b, err := os.ReadFile(ingesttest.MakeClip(f, "seed", "32x32", 100*time.Millisecond, args...))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
		f.Add(b[:min(len(b), 4096)])
		f.Add(b[:len(b)/2])
	}
	f.Add([]byte{})
	f.Add([]byte("\x00\x00\x00\x08ftyp"))
	f.Add([]byte{0x47})
	f.Fuzz(func(t *testing.T, b []byte) {
		file, err := Open(writeFile(t, "fuzz", b))
		if err != nil {
			return
		}
		defer file.Close()
		file.Duration()
		file.Keyframes()
		n := 0
		for _, err := range file.Samples() {
			if n++; err != nil || n > 2000 {
				break
			}
		}
	})
}
