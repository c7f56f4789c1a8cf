package configs

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"time"

	"gopkg.in/yaml.v3"
)

// Config is every setting of `llcast serve`. The yaml tags are the keys of
// the config file; LLCAST_ plus the key path in upper case, joined with _,
// is the environment variable (LLCAST_HLS_PART_DURATION).
type Config struct {
	// Listen is the HTTP address.
	Listen string `yaml:"listen"`
	// Data is the state directory (users, signing key). Empty means
	// $XDG_DATA_HOME/llcast or ~/.local/share/llcast.
	Data string `yaml:"data"`
	// Source is auto, test or device.
	Source string `yaml:"source"`
	// Camera and Mic select devices by (part of) their friendly name.
	Camera string `yaml:"camera"`
	Mic    string `yaml:"mic"`
	// Stream is the name viewers find the stream under.
	Stream  string  `yaml:"stream"`
	Video   Video   `yaml:"video"`
	Audio   Audio   `yaml:"audio"`
	HLS     HLS     `yaml:"hls"`
	Auth    Auth    `yaml:"auth"`
	Network Network `yaml:"network"`
	TLS     TLS     `yaml:"tls"`
	CORS    CORS    `yaml:"cors"`
	HTTP    HTTP    `yaml:"http"`
	RTMP    RTMP    `yaml:"rtmp"`
	SRT     SRT     `yaml:"srt"`
	Log     Log     `yaml:"log"`
	Embed   Embed   `yaml:"embed"`
}

// Embed settings: the player on other sites.
type Embed struct {
	// Origins are the sites ("https://blog.example") whose pages may show
	// /embed/<stream> in an iframe; "*" allows any site. Empty allows
	// only llcast's own pages.
	Origins []string `yaml:"origins"`
}

// RTMP settings: where OBS and ffmpeg push to.
type RTMP struct {
	// Listen is the RTMP address; empty turns RTMP off.
	Listen string `yaml:"listen"`
	// TLSListen is the RTMPS address, used when TLS is on (tls.cert or
	// tls.self_signed); empty turns RTMPS off.
	TLSListen string `yaml:"tls_listen"`
}

// SRT settings: pushes over lossy links, carrying MPEG-TS.
type SRT struct {
	// Listen is the SRT (UDP) address; empty turns SRT off.
	Listen string `yaml:"listen"`
	// Passphrase encrypts every SRT connection when set (10 to 79
	// characters); publishers give the same one.
	Passphrase string `yaml:"passphrase"`
}

// Video settings.
type Video struct {
	Width   int     `yaml:"width"`
	Height  int     `yaml:"height"`
	FPS     int     `yaml:"fps"`
	Bitrate Bitrate `yaml:"bitrate"`
}

// Audio settings.
type Audio struct {
	Codec   string  `yaml:"codec"`
	Bitrate Bitrate `yaml:"bitrate"`
	// Language of the sound (BCP 47, "en", "de-CH"; "und" when unknown),
	// which players show in their audio menu.
	Language string `yaml:"language"`
}

// HLS settings.
type HLS struct {
	PartDuration    Duration `yaml:"part_duration"`
	SegmentDuration Duration `yaml:"segment_duration"`
	SegmentCount    int      `yaml:"segment_count"`
	// MaxWaitingPerClient caps the blocking requests one viewer (a
	// session, or a stream link at one address) may have waiting per
	// stream; more get 429.
	MaxWaitingPerClient int `yaml:"max_waiting_per_client"`
	// Legacy adds a plain (not low-latency) MPEG-TS rendition with 2 s
	// segments at /live/<stream>/legacy/index.m3u8 for old TVs and boxes.
	Legacy bool `yaml:"legacy"`
}

// Auth settings.
type Auth struct {
	TokenTTL Duration `yaml:"token_ttl"`
}

// Network settings.
type Network struct {
	// Probe is the HOST:PORT of the DNS server that the "connected to the
	// internet" check asks, over TCP, every 10 s: online only when a DNS
	// answer comes back (README "Streaming from your camera").
	Probe string `yaml:"probe"`
}

// TLS settings. With Cert and Key, or SelfSigned, llcast serves HTTPS and
// HTTP/2 only.
type TLS struct {
	// Cert and Key are PEM files (a certificate chain and its key).
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
	// SelfSigned makes a certificate for this machine's names and
	// addresses once and keeps it in the data directory.
	SelfSigned bool `yaml:"self_signed"`
}

// CORS settings.
type CORS struct {
	// Origins are web players on other origins ("https://player.example")
	// allowed to read the stream with the viewer's cookie; "*" lets any
	// origin read without credentials (enough for stream links).
	Origins []string `yaml:"origins"`
}

// Enabled reports whether HTTPS is on.
func (t TLS) Enabled() bool { return t.SelfSigned || t.Cert != "" }

// Log settings.
type Log struct {
	Level string `yaml:"level"`
	// Format is text (key=value, for people) or json (one object per
	// line, for journald, Loki and the like).
	Format string `yaml:"format"`
}

// Default returns the built-in settings.
func Default() Config {
	return Config{
		Listen: ":8080",
		Source: "auto",
		Stream: "main",
		Video:  Video{Width: 1280, Height: 720, FPS: 30, Bitrate: 2_500_000},
		Audio:  Audio{Codec: "aac", Bitrate: 128_000, Language: "und"},
		HLS: HLS{
			PartDuration:        Duration(100 * time.Millisecond),
			SegmentDuration:     Duration(time.Second),
			SegmentCount:        7,
			MaxWaitingPerClient: 16,
			Legacy:              true,
		},
		Auth:    Auth{TokenTTL: Duration(12 * time.Hour)},
		Network: Network{Probe: "8.8.8.8:53"},
		CORS:    CORS{Origins: []string{}},
		HTTP:    HTTP{TrustedProxies: []string{}, ReadTimeout: Duration(30 * time.Second)},
		RTMP:    RTMP{Listen: ":1935", TLSListen: ":1936"},
		SRT:     SRT{Listen: ":8890"},
		Log:     Log{Level: "info", Format: "text"},
		Embed:   Embed{Origins: []string{}},
	}
}

// Load returns the defaults overlaid by the file at path (if not empty) and
// then by the environment. It does not validate: flags come on top first.
func Load(path string, environ []string) (Config, error) {
	cfg := Default()
	if path != "" {
		buf, err := os.ReadFile(path)
		if err != nil {
			return cfg, fmt.Errorf("reading config: %w", err)
		}
		if err := decodeYAML(buf, &cfg); err != nil {
			return cfg, fmt.Errorf("config %s: %w", path, err)
		}
	}
	if err := applyEnv(&cfg, environ); err != nil {
		return cfg, err
	}
	return cfg, nil
}

func decodeYAML(buf []byte, cfg *Config) error {
	var doc yaml.Node
	if err := yaml.Unmarshal(buf, &doc); err != nil {
		return err
	}
	if errs := unknownKeys(&doc); len(errs) > 0 {
		return errors.Join(errs...)
	}
	dec := yaml.NewDecoder(bytes.NewReader(buf))
	dec.KnownFields(true)
	err := dec.Decode(cfg)
	if errors.Is(err, io.EOF) {
		return nil // an empty file changes nothing
	}
	return err
}

var (
	streamName  = regexp.MustCompile(`^[a-z0-9_-]{1,64}$`)
	languageTag = regexp.MustCompile(`^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8})*$`)
)

// ValidStreamName reports whether name may name a stream: 1 to 64
// characters from a-z, 0-9, '-' and '_', which go into URLs and publish
// URLs unescaped.
func ValidStreamName(name string) bool { return streamName.MatchString(name) }

// Validate checks every value; the error names the key.
func (c *Config) Validate() error {
	var errs []error
	bad := func(key string, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: "+format, append([]any{key}, args...)...))
	}
	if _, _, err := net.SplitHostPort(c.Listen); err != nil {
		bad("listen", "%q is not HOST:PORT (e.g. :8080 or 127.0.0.1:8080)", c.Listen)
	}
	switch c.Source {
	case "auto", "test", "device":
	default:
		bad("source", "%q is not one of auto, test, device", c.Source)
	}
	if !streamName.MatchString(c.Stream) {
		bad("stream", "%q must be 1 to 64 characters from a-z, 0-9, '_' and '-'", c.Stream)
	}
	// Small cameras (640x480) are fine; the test source asks for at least
	// 704 px itself, the width of its timestamp strip.
	if c.Video.Width < 320 || c.Video.Width > 3840 || c.Video.Width%2 != 0 {
		bad("video.width", "%d must be even and 320 to 3840", c.Video.Width)
	}
	if c.Video.Height < 128 || c.Video.Height > 2160 || c.Video.Height%2 != 0 {
		bad("video.height", "%d must be even and 128 to 2160", c.Video.Height)
	}
	if c.Video.FPS < 1 || c.Video.FPS > 60 || 90000%c.Video.FPS != 0 {
		bad("video.fps", "%d must divide 90000 and be 1 to 60 (e.g. 24, 25, 30, 50, 60)", c.Video.FPS)
	}
	if c.Video.Bitrate < 100_000 || c.Video.Bitrate > 50_000_000 {
		bad("video.bitrate", "%v must be 100k to 50M bit/s", c.Video.Bitrate)
	}
	switch c.Audio.Codec {
	case "aac", "opus":
	default:
		bad("audio.codec", "%q is not aac or opus", c.Audio.Codec)
	}
	if c.Audio.Bitrate < 16_000 || c.Audio.Bitrate > 320_000 {
		bad("audio.bitrate", "%v must be 16k to 320k bit/s", c.Audio.Bitrate)
	}
	if !languageTag.MatchString(c.Audio.Language) {
		bad("audio.language", "%q is not a language tag like en, de-CH or und", c.Audio.Language)
	}
	part, seg := c.HLS.PartDuration.D(), c.HLS.SegmentDuration.D()
	if part < 50*time.Millisecond || part > 2*time.Second {
		bad("hls.part_duration", "%v must be 50ms to 2s", part)
	}
	if seg < part || seg > 10*time.Second {
		bad("hls.segment_duration", "%v must be at least hls.part_duration and at most 10s", seg)
	}
	if c.HLS.SegmentCount < 3 || c.HLS.SegmentCount > 100 {
		bad("hls.segment_count", "%d must be 3 to 100", c.HLS.SegmentCount)
	}
	if n := c.HLS.MaxWaitingPerClient; n < 1 || n > 100_000 {
		bad("hls.max_waiting_per_client", "%d must be 1 to 100000", n)
	}
	if ttl := c.Auth.TokenTTL.D(); ttl < time.Minute || ttl > 90*24*time.Hour {
		bad("auth.token_ttl", "%v must be 1m to 2160h", ttl)
	}
	if _, port, err := net.SplitHostPort(c.Network.Probe); err != nil || port == "" || port == "0" {
		bad("network.probe", "%q is not HOST:PORT (e.g. 8.8.8.8:53)", c.Network.Probe)
	}
	switch {
	case (c.TLS.Cert == "") != (c.TLS.Key == ""):
		bad("tls", "give both tls.cert and tls.key (--tls-cert and --tls-key), or neither")
	case c.TLS.SelfSigned && c.TLS.Cert != "":
		bad("tls", "use either a certificate (tls.cert/tls.key) or tls.self_signed, not both")
	}
	for key, origins := range map[string][]string{"cors.origins": c.CORS.Origins, "embed.origins": c.Embed.Origins} {
		for _, o := range origins {
			if !validOrigin(o) {
				bad(key, "%q is not an origin like https://player.example (scheme and host, no path) or *", o)
			}
		}
	}
	if err := c.HTTP.checkPublicURL(); err != nil {
		bad("http.public_url", "%v", err)
	}
	if err := c.HTTP.checkTrustedProxies(); err != nil {
		bad("http.trusted_proxies", "%v", err)
	}
	if d := c.HTTP.ReadTimeout.D(); d < time.Second || d > 10*time.Minute {
		bad("http.read_timeout", "%v must be 1s to 10m", d)
	}
	for key, addr := range map[string]string{"rtmp.listen": c.RTMP.Listen, "rtmp.tls_listen": c.RTMP.TLSListen, "srt.listen": c.SRT.Listen} {
		if _, _, err := net.SplitHostPort(addr); addr != "" && err != nil {
			bad(key, "%q is not HOST:PORT (e.g. :1935), or empty to turn it off", addr)
		}
	}
	if n := len(c.SRT.Passphrase); n != 0 && (n < 10 || n > 79) {
		bad("srt.passphrase", "must be 10 to 79 characters long (it has %d), or empty", n)
	}
	switch c.Log.Level {
	case "debug", "info", "warn", "error":
	default:
		bad("log.level", "%q is not debug, info, warn or error", c.Log.Level)
	}
	switch c.Log.Format {
	case "text", "json":
	default:
		bad("log.format", "%q is not text or json", c.Log.Format)
	}
	return errors.Join(errs...)
}

// validOrigin reports whether o is "*" or a web origin: scheme and host,
// no path.
func validOrigin(o string) bool {
	if o == "*" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != "" && u.Path == "" &&
		u.RawQuery == "" && u.User == nil
}

// DataDir returns Data, or the per-user default when it is empty.
func (c *Config) DataDir() (string, error) {
	if c.Data != "" {
		return c.Data, nil
	}
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "llcast"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no data directory: set --data or data in the config (%w)", err)
	}
	return filepath.Join(home, ".local", "share", "llcast"), nil
}
