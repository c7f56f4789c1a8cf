package configs

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestUnknownKeysSuggest(t *testing.T) {
	cases := []struct {
		name, file string
		env        []string
		want       []string
		not        []string
	}{
		{name: "misspelt leaf", file: "hls:\n  part_durration: 200ms\n",
			want: []string{"line 2", "hls.part_durration is not a setting", "did you mean hls.part_duration?"},
			not:  []string{"configs.HLS", "not found in type"}},
		{name: "leaf in the wrong section", file: "part_duration: 200ms\n",
			want: []string{"part_duration is not a setting", "did you mean hls.part_duration?"}},
		{name: "misspelt section", file: "vidoe:\n  fps: 25\n",
			want: []string{"vidoe is not a setting", "did you mean video?"}},
		{name: "every unknown key at once", file: "listn: :80\nlog:\n  levle: debug\n",
			want: []string{"line 1: listn", "did you mean listen?", "line 3: log.levle", "did you mean log.level?"}},
		{name: "nothing close", file: "hls:\n  colour_of_the_sky: blue\n",
			want: []string{"hls.colour_of_the_sky is not a setting (configs/llcast.yml lists them all)"},
			not:  []string{"did you mean"}},
		{name: "a map under a setting", file: "listen:\n  port: 80\n",
			not: []string{"listen.port"}},
		{name: "misspelt environment", env: []string{"LLCAST_HLS_PART_DURRATION=200ms"},
			want: []string{"LLCAST_HLS_PART_DURRATION is not a setting", "did you mean LLCAST_HLS_PART_DURATION?"}},
		{name: "environment names no section", env: []string{"LLCAST_HL=1"},
			not: []string{"did you mean LLCAST_HLS?"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := ""
			if c.file != "" {
				path = filepath.Join(t.TempDir(), "c.yml")
				if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			_, err := Load(path, c.env)
			if err == nil {
				t.Fatal("want an error")
			}
			for _, w := range c.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not say %q", err, w)
				}
			}
			for _, n := range c.not {
				if strings.Contains(err.Error(), n) {
					t.Errorf("error %q says %q", err, n)
				}
			}
		})
	}
}

func TestBitrateSuffixesInFileAndEnvironment(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yml")
	if err := os.WriteFile(path, []byte("video:\n  bitrate: 2.5M\naudio:\n  bitrate: 96000\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, nil)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Video.Bitrate != 2_500_000 || cfg.Audio.Bitrate != 96_000 {
		t.Errorf("file: video %d, audio %d", cfg.Video.Bitrate, cfg.Audio.Bitrate)
	}
	cfg, err = Load(path, []string{"LLCAST_AUDIO_BITRATE=128k", "LLCAST_VIDEO_BITRATE=4M"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Video.Bitrate != 4_000_000 || cfg.Audio.Bitrate != 128_000 {
		t.Errorf("environment: video %d, audio %d", cfg.Video.Bitrate, cfg.Audio.Bitrate)
	}
	if _, err := Load(path, []string{"LLCAST_VIDEO_BITRATE=fast"}); err == nil || !strings.Contains(err.Error(), "2.5M") {
		t.Errorf("a bad bitrate: %v, want the forms it takes", err)
	}
}
