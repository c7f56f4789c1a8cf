package configs

import (
	"slices"
	"testing"
	"time"
)

func TestChanged(t *testing.T) {
	for _, c := range []struct {
		name string
		edit func(*Config)
		want []string
	}{
		{"nothing", func(*Config) {}, nil},
		{"an empty list for none", func(c *Config) { c.CORS.Origins = nil }, nil},
		{"one key", func(c *Config) { c.Log.Level = "debug" }, []string{"log.level"}},
		{"nested keys in field order", func(c *Config) {
			c.SRT.Passphrase = "0123456789"
			c.HLS.PartDuration = Duration(200 * time.Millisecond)
			c.CORS.Origins = []string{"https://a.example"}
		}, []string{"hls.part_duration", "cors.origins", "srt.passphrase"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			b := Default()
			c.edit(&b)
			if got := Changed(Default(), b); !slices.Equal(got, c.want) {
				t.Fatalf("Changed = %q, want %q", got, c.want)
			}
		})
	}
}
