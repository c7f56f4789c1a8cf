package httpapi

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

func texts(lines []LogLine) []string {
	out := []string{}
	for _, l := range lines {
		out = append(out, fmt.Sprintf("%d:%s", l.Seq, l.Text))
	}
	return out
}

func TestLogRingWrites(t *testing.T) {
	for _, c := range []struct {
		name   string
		size   int
		writes []string
		want   []string
	}{
		{"one line per write", 0, []string{"a\n", "b\n"}, []string{"1:a", "2:b"}},
		{"several lines in a write", 0, []string{"a\nb\nc\n"}, []string{"1:a", "2:b", "3:c"}},
		{"a line in pieces", 0, []string{"he", "llo\nwor", "ld\n"}, []string{"1:hello", "2:world"}},
		{"unfinished line waits", 0, []string{"a\nb"}, []string{"1:a"}},
		{"CRLF and empty lines", 0, []string{"a\r\n\n\nb\n"}, []string{"1:a", "2:b"}},
		{"keeps the last Size", 2, []string{"a\nb\nc\n", "d\n"}, []string{"3:c", "4:d"}},
		{"long line is cut", 0, []string{strings.Repeat("x", maxLogLine+10), "\nz\n"},
			[]string{"1:" + strings.Repeat("x", maxLogLine), "2:z"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := &LogRing{Size: c.size}
			for _, w := range c.writes {
				if n, err := r.Write([]byte(w)); n != len(w) || err != nil {
					t.Fatalf("Write(%q) = %d, %v", w, n, err)
				}
			}
			lines, next := r.Lines(0)
			if got := strings.Join(texts(lines), "|"); got != strings.Join(c.want, "|") {
				t.Fatalf("lines %q, want %q", got, c.want)
			}
			if len(lines) > 0 && next != lines[len(lines)-1].Seq {
				t.Fatalf("next %d, want the last seq %d", next, lines[len(lines)-1].Seq)
			}
		})
	}
}

func TestLogRingDefaultSize(t *testing.T) {
	r := &LogRing{}
	for i := range 150 {
		fmt.Fprintf(r, "line %d\n", i)
	}
	lines, next := r.Lines(0)
	if len(lines) != 100 || lines[0].Seq != 51 || next != 150 {
		t.Fatalf("%d lines from seq %d, next %d; want 100 from 51, next 150", len(lines), lines[0].Seq, next)
	}
}

func TestLogRingPaging(t *testing.T) {
	r := &LogRing{}
	_, _ = r.Write([]byte("a\nb\nc\n"))
	for _, c := range []struct {
		after    uint64
		want     []string
		wantNext uint64
	}{
		{0, []string{"1:a", "2:b", "3:c"}, 3},
		{1, []string{"2:b", "3:c"}, 3},
		{3, []string{}, 3},
		{99, []string{"1:a", "2:b", "3:c"}, 3}, // a cursor from before a restart
	} {
		lines, next := r.Lines(c.after)
		if got := texts(lines); strings.Join(got, "|") != strings.Join(c.want, "|") || next != c.wantNext {
			t.Errorf("Lines(%d) = %q, %d; want %q, %d", c.after, got, next, c.want, c.wantNext)
		}
	}
	if lines, _ := r.Lines(3); lines == nil {
		t.Error("Lines returned nil, want an empty slice (JSON [])")
	}
}

func TestLogRingConcurrent(t *testing.T) {
	r := &LogRing{Size: 1000}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(r, "g%d line %d\n", g, i)
				r.Lines(0)
			}
		})
	}
	wg.Wait()
	lines, next := r.Lines(0)
	if len(lines) != 400 || next != 400 {
		t.Fatalf("%d lines, next %d; want 400, 400", len(lines), next)
	}
	for _, l := range lines {
		if !strings.HasPrefix(l.Text, "g") || !strings.Contains(l.Text, " line ") {
			t.Fatalf("mixed line %q", l.Text)
		}
	}
}
