package main

import (
	"flag"
	"io"
	"net"
	"os"

	"github.com/llcast/llcast/configs"
)

// serveConfig is serve's settings and what its command line says beside
// them.
type serveConfig struct {
	cfg configs.Config
	// path is --config, or "" without it.
	path string
	// explicitPort: the listen port was chosen on purpose (any port but
	// the default one).
	explicitPort bool
	// open is --open.
	open bool
}

// loadServeConfig layers defaults, --config, LLCAST_* and flags, then
// validates. Only flags given on the command line override. SIGHUP calls it
// again with the same arguments (reloader).
func loadServeConfig(args []string, tray bool, stderr io.Writer) (sc serveConfig, err error) {
	def := configs.Default()
	name, usage := "serve", serveUsage
	if tray {
		name, usage = "tray", trayUsage
	}
	fs := newFlagSet(name, usage, stderr)
	var set configs.Config
	path := bindCaptureFlags(fs, &set, def)
	fs.BoolVar(&sc.open, "open", false, "open the watch page in the default browser")
	fs.StringVar(&set.Listen, "listen", def.Listen, "HTTP address `HOST:PORT`")
	fs.StringVar(&set.Data, "data", def.Data, "state `dir`ectory: users, signing key (default ~/.local/share/llcast)")
	fs.StringVar(&set.Stream, "stream", def.Stream, "the `name` of the stream of the local camera or test source")
	fs.StringVar(&set.RTMP.Listen, "rtmp-listen", def.RTMP.Listen, "RTMP push address `HOST:PORT` (\"\" turns it off)")
	fs.StringVar(&set.RTMP.TLSListen, "rtmps-listen", def.RTMP.TLSListen, "RTMPS push address `HOST:PORT`, with TLS on (\"\" turns it off)")
	fs.StringVar(&set.SRT.Listen, "srt-listen", def.SRT.Listen, "SRT push address `HOST:PORT` (\"\" turns it off)")
	set.HLS.PartDuration = def.HLS.PartDuration
	fs.Var(&set.HLS.PartDuration, "part-duration", "LL-HLS part `duration`")
	fs.StringVar(&set.Network.Probe, "probe", def.Network.Probe, "`HOST:PORT` of the DNS server the internet check asks, over TCP")
	fs.StringVar(&set.TLS.Cert, "tls-cert", "", "serve HTTPS with this PEM certificate `file` (and --tls-key)")
	fs.StringVar(&set.TLS.Key, "tls-key", "", "the PEM `file` of the --tls-cert key")
	tlsMode := fs.String("tls", "", "self-signed: serve HTTPS with a certificate made once for this machine")
	if err := parseFlags(fs, args); err != nil {
		return sc, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return sc, usageErrorf("unexpected argument %q", fs.Arg(0))
	}

	sc.path = *path
	sc.cfg, err = configs.Load(*path, os.Environ())
	if err != nil {
		return sc, err
	}
	cfg := &sc.cfg
	fs.Visit(func(f *flag.Flag) {
		applyCaptureFlag(f.Name, cfg, set)
		switch f.Name {
		case "listen":
			cfg.Listen = set.Listen
		case "data":
			cfg.Data = set.Data
		case "stream":
			cfg.Stream = set.Stream
		case "rtmp-listen":
			cfg.RTMP.Listen = set.RTMP.Listen
		case "rtmps-listen":
			cfg.RTMP.TLSListen = set.RTMP.TLSListen
		case "srt-listen":
			cfg.SRT.Listen = set.SRT.Listen
		case "part-duration":
			cfg.HLS.PartDuration = set.HLS.PartDuration
		case "probe":
			cfg.Network.Probe = set.Network.Probe
		case "tls-cert":
			cfg.TLS.Cert = set.TLS.Cert
		case "tls-key":
			cfg.TLS.Key = set.TLS.Key
		case "tls":
			cfg.TLS.SelfSigned = *tlsMode == "self-signed"
		}
	})
	if *tlsMode != "" && *tlsMode != "self-signed" && *tlsMode != "off" {
		fs.Usage()
		return sc, usageErrorf("--tls %q: say --tls self-signed (or off), or give --tls-cert and --tls-key", *tlsMode)
	}
	_, port, _ := net.SplitHostPort(cfg.Listen)
	_, defPort, _ := net.SplitHostPort(def.Listen)
	sc.explicitPort = port != defPort
	return sc, cfg.Validate()
}

// bindCaptureFlags adds the flags of serve and push that choose and encode
// the source, and --config, whose value it returns.
func bindCaptureFlags(fs *flag.FlagSet, set *configs.Config, def configs.Config) (path *string) {
	path = fs.String("config", "", "YAML config `file` (see configs/llcast.yml)")
	fs.StringVar(&set.Source, "source", def.Source, "auto, test or device")
	fs.StringVar(&set.Camera, "camera", def.Camera, "camera `name` (part of it is enough; see llcast devices)")
	fs.StringVar(&set.Mic, "mic", def.Mic, "microphone `name` (part of it is enough)")
	fs.StringVar(&set.Audio.Codec, "audio-codec", def.Audio.Codec, "aac or opus")
	set.Video.Bitrate = def.Video.Bitrate
	fs.Var(&set.Video.Bitrate, "video-bitrate", "H.264 bitrate in `bit/s` (2500000, 2500k or 2.5M)")
	fs.StringVar(&set.Log.Level, "log-level", def.Log.Level, "debug, info, warn or error")
	fs.StringVar(&set.Log.Format, "log-format", def.Log.Format, "text (key=value) or json (one object per line)")
	return path
}

// applyCaptureFlag copies the flag named name, if bindCaptureFlags added
// it, from set into cfg.
func applyCaptureFlag(name string, cfg *configs.Config, set configs.Config) {
	switch name {
	case "source":
		cfg.Source = set.Source
	case "camera":
		cfg.Camera = set.Camera
	case "mic":
		cfg.Mic = set.Mic
	case "audio-codec":
		cfg.Audio.Codec = set.Audio.Codec
	case "video-bitrate":
		cfg.Video.Bitrate = set.Video.Bitrate
	case "log-level":
		cfg.Log.Level = set.Log.Level
	case "log-format":
		cfg.Log.Format = set.Log.Format
	}
}
