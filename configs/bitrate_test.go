package configs

import "testing"

func TestParseSize(t *testing.T) {
	cases := []struct {
		in   string
		want int64
		bad  bool
	}{
		{in: "2500000", want: 2_500_000},
		{in: "2.5M", want: 2_500_000},
		{in: "128k", want: 128_000},
		{in: "128K", want: 128_000},
		{in: "1G", want: 1_000_000_000},
		{in: " 64k ", want: 64_000},
		{in: "0", want: 0},
		{in: "2.3M", want: 2_300_000},
		{in: "0.1k", want: 100},
		{in: "1.50k", want: 1500},
		{in: "1.5", bad: true},
		{in: "0.0001k", bad: true},
		{in: "-1M", bad: true},
		{in: "M", bad: true},
		{in: "", bad: true},
		{in: "2.5MB", bad: true},
		{in: "1e6", bad: true},
		{in: "0x10", bad: true},
		{in: "NaN", bad: true},
		{in: "Inf", bad: true},
		{in: "99999999999999999999G", bad: true},
		{in: "999999999999G", bad: true},
	}
	for _, c := range cases {
		got, err := ParseSize(c.in)
		if c.bad {
			if err == nil {
				t.Errorf("ParseSize(%q) = %d, want an error", c.in, got)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
}

func TestBitrateForms(t *testing.T) {
	for in, want := range map[string]Bitrate{"2.5M": 2_500_000, "2500k": 2_500_000, "2500000": 2_500_000, "128kbit/s": 128_000, "96kb/s": 96_000} {
		var b Bitrate
		if err := b.Set(in); err != nil || b != want {
			t.Errorf("Set(%q) = %d, %v; want %d", in, b, err, want)
		}
	}
	for n, want := range map[Bitrate]string{2_500_000: "2.5M", 128_000: "128k", 1234: "1.234k", 999: "999", 1_000_000_000: "1G", 1_000_001: "1.000001M"} {
		if got := n.String(); got != want {
			t.Errorf("Bitrate(%d).String() = %q, want %q", int(n), got, want)
		}
	}
	var b Bitrate
	if err := b.Set("3Gbit/s"); err == nil {
		t.Errorf("3G bit/s fits no encoder and overflows int32, want an error")
	}
}

func FuzzParseSize(f *testing.F) {
	for _, s := range []string{"2500000", "2.5M", "128k", "1G", "1.5", "-1M", "", "1e6", "2.3M", "0.1k"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n, err := ParseSize(s)
		if err != nil {
			return
		}
		if n < 0 {
			t.Fatalf("ParseSize(%q) = %d < 0", s, n)
		}
		if back, err := ParseSize(FormatSize(n)); err != nil || back != n {
			t.Fatalf("FormatSize(%d) = %q parses to %d, %v", n, FormatSize(n), back, err)
		}
	})
}
