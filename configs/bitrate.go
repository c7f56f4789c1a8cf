package configs

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Bitrate is a rate in bit/s, written as 2500000, 2500k, 2.5M or 2.5Mbit/s
// in YAML, in the environment and in flags.
type Bitrate int

// Int returns the value in bit/s.
func (b Bitrate) Int() int { return int(b) }

// String formats with the largest suffix that keeps the value exact
// (2.5M, 128k, 999).
func (b Bitrate) String() string { return FormatSize(int64(b)) }

// Set parses s; it makes Bitrate a flag.Value.
func (b *Bitrate) Set(s string) error {
	n, err := ParseSize(strings.TrimSuffix(strings.TrimSuffix(s, "bit/s"), "b/s"))
	if err != nil || n > math.MaxInt32 {
		return fmt.Errorf("%q is not a bitrate like 2500000, 2500k or 2.5M (bit/s)", s)
	}
	*b = Bitrate(n)
	return nil
}

// UnmarshalYAML reads a number or a string with a suffix.
func (b *Bitrate) UnmarshalYAML(n *yaml.Node) error { return b.Set(n.Value) }

// MarshalYAML writes the short form.
func (b Bitrate) MarshalYAML() (any, error) { return b.String(), nil }

// sizeSuffixes are decimal (SI), as bitrates are counted: k = 1000.
var sizeSuffixes = []struct {
	suffix string
	factor int64
}{{"G", 1e9}, {"M", 1e6}, {"k", 1e3}, {"K", 1e3}}

// ParseSize reads a whole non-negative number with an optional decimal
// suffix: "2500000", "128k", "2.5M", "1G". The result must be whole:
// "1.5" and "0.0001k" are refused. Decimals are read as digits, not as a
// float, so "2.3M" is exactly 2300000.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	factor := int64(1)
	for _, f := range sizeSuffixes {
		if rest, ok := strings.CutSuffix(s, f.suffix); ok {
			s, factor = rest, f.factor
			break
		}
	}
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || len(whole) > 12 {
		return 0, fmt.Errorf("%q is not a number with an optional k, M or G", s)
	}
	n, _ := strconv.ParseInt(whole, 10, 64)
	if n > math.MaxInt64/factor-1 {
		return 0, fmt.Errorf("%q is too large", s)
	}
	n *= factor
	for _, d := range frac {
		factor /= 10
		if factor == 0 {
			if d != '0' {
				return 0, fmt.Errorf("%q is not a whole number", s)
			}
			continue
		}
		n += int64(d-'0') * factor
	}
	return n, nil
}

func allDigits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// FormatSize writes n with the largest decimal suffix that keeps it exact
// (2500000 → 2.5M, 128000 → 128k, 1234 → 1.234k).
func FormatSize(n int64) string {
	for _, f := range sizeSuffixes[:3] {
		if n >= f.factor {
			frac := strings.TrimRight(fmt.Sprintf("%0*d", len(strconv.FormatInt(f.factor, 10))-1, n%f.factor), "0")
			if frac == "" {
				return strconv.FormatInt(n/f.factor, 10) + f.suffix
			}
			return strconv.FormatInt(n/f.factor, 10) + "." + frac + f.suffix
		}
	}
	return strconv.FormatInt(n, 10)
}
