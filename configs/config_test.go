package configs

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestShippedFileEqualsDefaults(t *testing.T) {
	cfg, err := Load("llcast.yml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if want := Default(); !reflect.DeepEqual(cfg, want) {
		t.Fatalf("configs/llcast.yml differs from Default():\nfile: %+v\ncode: %+v", cfg, want)
	}
	if err := cfg.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
}

func TestShippedFileListsEveryKey(t *testing.T) {
	buf, err := os.ReadFile("llcast.yml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := Default()
	_ = walkKeys(reflect.ValueOf(&cfg).Elem(), "", func(key string, _ reflect.Value) error {
		leaf := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(string(buf), "\n"+strings.Repeat("  ", strings.Count(key, "."))+leaf+":") {
			t.Errorf("key %s is missing from configs/llcast.yml", key)
		}
		return nil
	})
}

func TestLoadLayers(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.yml")
	if err := os.WriteFile(path, []byte("listen: 127.0.0.1:9000\nhls:\n  part_duration: 100ms\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(path, []string{"LLCAST_HLS_PART_DURATION=150ms", "LLCAST_VIDEO_BITRATE=1000000", "PATH=/bin",
		"LLCAST_TLS_SELF_SIGNED=true", "LLCAST_CORS_ORIGINS=https://a.example, https://b.example"})
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Listen != "127.0.0.1:9000" {
		t.Errorf("listen = %q, want the file's", cfg.Listen)
	}
	if cfg.HLS.PartDuration.D() != 150*time.Millisecond {
		t.Errorf("part_duration = %v, want the environment's", cfg.HLS.PartDuration)
	}
	if cfg.Video.Bitrate != 1_000_000 {
		t.Errorf("video.bitrate = %d", cfg.Video.Bitrate)
	}
	if !cfg.TLS.SelfSigned || len(cfg.CORS.Origins) != 2 || cfg.CORS.Origins[1] != "https://b.example" {
		t.Errorf("bool and list from the environment: tls %+v cors %+v", cfg.TLS, cfg.CORS)
	}
	if cfg.HLS.SegmentCount != 7 {
		t.Errorf("segment_count = %d, want the default", cfg.HLS.SegmentCount)
	}
}

func TestLoadErrorsNameTheKey(t *testing.T) {
	cases := []struct {
		name, file string
		env        []string
		want       string
	}{
		{"unknown key", "listn: :80\n", nil, "listn"},
		{"bad duration", "hls:\n  part_duration: fast\n", nil, "fast"},
		{"bad int env", "", []string{"LLCAST_VIDEO_FPS=thirty"}, "LLCAST_VIDEO_FPS"},
		{"bad bool env", "", []string{"LLCAST_TLS_SELF_SIGNED=maybe"}, "LLCAST_TLS_SELF_SIGNED"},
		{"unknown env", "", []string{"LLCAST_COLOUR=red"}, "LLCAST_COLOUR"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "c.yml")
			if err := os.WriteFile(path, []byte(c.file), 0o600); err != nil {
				t.Fatal(err)
			}
			_, err := Load(path, c.env)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to mention %q", err, c.want)
			}
		})
	}
}

func TestValidateNamesTheKey(t *testing.T) {
	cases := []struct {
		key    string
		mutate func(*Config)
	}{
		{"listen", func(c *Config) { c.Listen = "8080" }},
		{"source", func(c *Config) { c.Source = "webcam" }},
		{"stream", func(c *Config) { c.Stream = "../etc" }},
		{"video.width", func(c *Config) { c.Video.Width = 641 }},
		{"video.fps", func(c *Config) { c.Video.FPS = 7 }},
		{"video.bitrate", func(c *Config) { c.Video.Bitrate = 1 }},
		{"audio.codec", func(c *Config) { c.Audio.Codec = "mp3" }},
		{"hls.part_duration", func(c *Config) { c.HLS.PartDuration = Duration(time.Millisecond) }},
		{"hls.segment_duration", func(c *Config) { c.HLS.SegmentDuration = Duration(60 * time.Millisecond) }},
		{"hls.segment_count", func(c *Config) { c.HLS.SegmentCount = 1 }},
		{"auth.token_ttl", func(c *Config) { c.Auth.TokenTTL = 0 }},
		{"log.level", func(c *Config) { c.Log.Level = "loud" }},
		{"network.probe", func(c *Config) { c.Network.Probe = "192.0.2.53" }},
		{"http.trusted_proxies", func(c *Config) { c.HTTP.TrustedProxies = []string{"0.0.0.0/0"} }},
		{"http.read_timeout", func(c *Config) { c.HTTP.ReadTimeout = Duration(500 * time.Millisecond) }},
		{"http.read_timeout", func(c *Config) { c.HTTP.ReadTimeout = Duration(time.Hour) }},
		{"tls", func(c *Config) { c.TLS.Cert = "cert.pem" }},
		{"audio.language", func(c *Config) { c.Audio.Language = "English (UK)" }},
		{"cors.origins", func(c *Config) { c.CORS.Origins = []string{"https://a.example/player"} }},
		{"tls", func(c *Config) { c.TLS.Cert, c.TLS.Key, c.TLS.SelfSigned = "c.pem", "k.pem", true }},
	}
	for _, c := range cases {
		t.Run(c.key, func(t *testing.T) {
			cfg := Default()
			c.mutate(&cfg)
			err := cfg.Validate()
			if err == nil || !strings.HasPrefix(err.Error(), c.key+":") {
				t.Fatalf("err = %v, want it to start with %q", err, c.key+":")
			}
		})
	}
}
