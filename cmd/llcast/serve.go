package main

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/file"
	"github.com/llcast/llcast/segmenter"
)

const serveUsage = `Usage: llcast serve [flags]

Streams the camera and microphone (or the test source when there is no
camera) and serves the watch page and the studio. Settings come from the
built-in defaults, then --config, then LLCAST_* variables, then these flags.

On a terminal it asks which camera and microphone to use when there are
several, shows a status line, and stops on q or Ctrl+C (twice: at once).

Flags:
`

// serveOptions are what serve and tray add to the config.
type serveOptions struct {
	// open the watch page in the browser once the server is up.
	open bool
	// tray shows the tray icon (llcast tray).
	tray bool
}

func runServe(ctx context.Context, args []string, opts serveOptions, stdin io.Reader, stdout, stderr io.Writer) error {
	sc, err := loadServeConfig(args, opts.tray, stderr)
	if err != nil {
		return err
	}
	cfg, explicitPort := sc.cfg, sc.explicitPort
	opts.open = opts.open || sc.open
	ctx, quit := context.WithCancel(ctx)
	defer quit()

	term := newServeTerminal(stdin, stderr)
	logs := &httpapi.LogRing{}
	log, level := newLogger(io.MultiWriter(term.logOut(), logs), cfg.Log)
	// SIGHUP reloads from here on: a service manager may send it early.
	reload := &reloader{
		Load: func() (configs.Config, error) {
			next, err := loadServeConfig(args, opts.tray, io.Discard)
			return next.cfg, err
		},
		Path: sc.path, Running: cfg, Level: level, Logger: log,
		// Before llcast handled SIGHUP, closing its terminal stopped it.
		TerminalGone: func() bool { return term.interactive() && !isTerminal(stdinFile(stdin)) },
		Quit:         quit,
	}
	if err := reload.Start(ctx); err != nil {
		return err
	}
	defer reload.Close()

	dataDir, err := cfg.DataDir()
	if err != nil {
		return err
	}
	// Before anything reads or writes there: a second server on the
	// directory stops here, so only one creates the first admin.
	lock, err := lockDataDir(dataDir, log)
	if err != nil {
		return err
	}
	defer lock.Close()
	users := &httpapi.UserStore{Path: filepath.Join(dataDir, httpapi.UsersFile)}
	if err := ensureAdmin(users, stdout); err != nil {
		return err
	}
	key, err := httpapi.LoadOrCreateKey(dataDir)
	if err != nil {
		return err
	}
	// Scrapers read /metrics with it (`llcast metrics-token`); a rotated
	// one is picked up at the next scrape.
	metricsToken := &httpapi.MetricsToken{Path: filepath.Join(dataDir, httpapi.MetricsTokenFile)}
	if err := metricsToken.Start(); err != nil {
		return err
	}
	// Every request's session is checked against the users: logout and
	// `llcast user` end sessions (README "Users").
	tokens := &httpapi.TokenAuth{Key: key, TTL: cfg.Auth.TokenTTL.D(), Users: users}
	if err := tokens.Start(); err != nil {
		return err
	}
	streams := &auth.StreamStore{Path: filepath.Join(dataDir, auth.StreamsFile)}
	if err := streams.Load(); err != nil {
		return err
	}
	// A broken links file stops the start: running on would refuse every
	// link without a word.
	links := &httpapi.LinkStore{Path: filepath.Join(dataDir, httpapi.LinksFile)}
	if err := links.Load(); err != nil {
		return err
	}

	sel, err := chooseSelection(cfg, ingest.ListDevices(), term, stdout, log)
	if err != nil {
		return err
	}
	var registry segmenter.Registry
	settings := streamSettings(cfg)
	// Every stream reports how late its parts go out, for /metrics.
	delays := &httpapi.PartDelays{}
	settings.Delays = delays
	b := &segmenter.Broadcast{
		Name: cfg.Stream, Encoding: encodingOf(cfg, log), Stream: settings,
		Selection: sel, Registry: &registry, Logger: log,
	}
	if err := b.Start(); err != nil {
		return err
	}
	if local, err := streams.Get(cfg.Stream); err == nil && local.Source == auth.SourceLocal {
		if err := b.StartStream(); err != nil {
			if errors.Is(err, ingest.ErrNoDevice) {
				err = fmt.Errorf("%w (`llcast devices` lists them; --source test streams the test picture)", err)
			}
			return err
		}
	} else {
		log.Info("no local capture: the stream store does not list the stream as local", "stream", cfg.Stream)
	}
	defer b.Close()

	scheme, fingerprint := "http", ""
	var tlsConf *tls.Config
	if cfg.TLS.Enabled() {
		if tlsConf, fingerprint, err = serverTLS(cfg.TLS, dataDir); err != nil {
			return err
		}
		scheme = "https"
	}
	hub := &segmenter.Hub{
		Keys: streams, Registry: &registry, Logger: log, Settings: settings,
	}
	if err := hub.Start(); err != nil {
		return err
	}
	defer hub.Close()
	push, err := startPushServers(cfg, tlsConf, hub, log)
	if err != nil {
		return err
	}
	defer push.Close()
	files := &fileStreams{
		Store: streams, Hub: hub, Registry: &registry, Logger: log, Local: cfg.Stream,
		SetLocal: func(on bool) error {
			if on {
				return b.StartStream()
			}
			return b.StopStream()
		},
	}
	files.Start(ctx)
	defer files.Close()

	probe := &httpapi.NetProbe{Address: cfg.Network.Probe, Logger: log}
	if err := probe.Start(); err != nil {
		return err
	}
	defer probe.Close()

	ips := lanIPs()
	srv := &httpapi.Server{
		Listen: cfg.Listen, Users: users, Auth: tokens, Streams: &registry,
		DefaultStream: cfg.Stream, Logger: log,
		Studio: b, Probe: probe, Logs: logs,
		Links:       links,
		CORSOrigins: cfg.CORS.Origins, EmbedOrigins: cfg.Embed.Origins,
		// Behind nginx or a CDN: viewers' addresses from X-Forwarded-For.
		TrustedProxies: cfg.HTTP.TrustedPrefixes(),
		StreamStore:    streams, PublishPorts: push.ports(cfg.SRT.Passphrase != ""),
		CheckStreamFile: checkStreamFile, TLS: tlsConf,
		// The studio shows and stops publishers, and warns when their
		// keyframes are further apart than a segment.
		Publishers: hub, SegmentDuration: cfg.HLS.SegmentDuration.D(),
		// HSTS only with a real certificate: a pinned self-signed one
		// would lock viewers out instead of letting them accept it.
		ReadTimeout: cfg.HTTP.ReadTimeout.D(), HSTS: tlsConf != nil && !cfg.TLS.SelfSigned,
		// Links and their QR codes start with the URL every printed one
		// does (baseURL), never with the request's Host header.
		PublicURL: cfg.HTTP.PublicURL, LinkHost: linkHost(cfg.Listen, ips),
		MetricsToken: metricsToken, PartDelays: delays,
	}
	if !explicitPort {
		// The default port may be taken by another program (or another
		// llcast); any other port was asked for on purpose and is used or
		// fails.
		srv.PortFallback = 10
	}
	// With the bound port: another than listen's after PortFallback.
	srv.Addresses = func() []string { return watchURLs(srv.Addr().String(), scheme, srv.BaseURL()) }
	if err := srv.Start(); err != nil {
		return err
	}
	addrs := srv.Addresses()
	printWelcome(stdout, describeSelection(b.Status().Selection), cfg.Stream, addrs, fingerprint)
	push.printPushHelp(stdout, publishHost(cfg, ips), cfg.SRT.Passphrase != "")

	if opts.open {
		if err := openBrowser(ctx, addrs[0]); err != nil {
			log.Warn("cannot open the browser", "error", err)
		}
	}
	if opts.tray {
		// fyne.io/systray logs with the standard log package; route it
		// through ours so it lands above the status line.
		slog.SetDefault(log)
		stop, err := runTray(ctx, trayServer{b, srv}, trayURLs{
			Studio: addrs[0] + "studio", Watch: addrs[0], ViewerLink: addrs[len(addrs)-1],
		}, quit, log)
		if err != nil {
			log.Warn("no tray icon; carrying on in the terminal", "reason", err)
		} else {
			defer stop()
		}
	}
	term.run(ctx, quit, func() string {
		return formatStatus(b.Status(), srv.Viewers(), netWord(probe.Status()), time.Now())
	}, func() string {
		return formatStatusPlain(b.Status(), srv.Viewers(), netWord(probe.Status()), time.Now())
	}, log)

	<-ctx.Done()
	log.Info("stopping")
	term.close()
	// Taking the streams off the air first answers the requests waiting
	// for parts, so the HTTP shutdown does not wait for them.
	b.Close()
	files.Close()
	push.Close()
	hub.Close()
	return srv.Close()
}

// trayServer is what the tray steers: the broadcast and the viewer count.
type trayServer struct {
	*segmenter.Broadcast
	srv *httpapi.Server
}

func (t trayServer) Audience() string { return plural(t.srv.Viewers(), "viewer") }

// netWord is the network state in the status line's words.
func netWord(st httpapi.NetStatus) string {
	switch st.State {
	case httpapi.NetOnline:
		return "ok"
	case httpapi.NetOffline:
		return "offline"
	}
	return "?"
}

// streamSettings are what every stream's muxers are started with.
func streamSettings(cfg configs.Config) segmenter.StreamSettings {
	return segmenter.StreamSettings{
		PartDuration: cfg.HLS.PartDuration.D(), SegmentDuration: cfg.HLS.SegmentDuration.D(),
		SegmentCount: cfg.HLS.SegmentCount, MaxWaitingPerClient: cfg.HLS.MaxWaitingPerClient,
		Legacy: cfg.HLS.Legacy, AudioLanguage: cfg.Audio.Language,
	}
}

func encodingOf(cfg configs.Config, log *slog.Logger) ingest.Encoding {
	codec, _ := ingest.AudioCodec(cfg.Audio.Codec) // validated with the config
	return ingest.Encoding{
		Width: cfg.Video.Width, Height: cfg.Video.Height, FPS: cfg.Video.FPS,
		VideoBitrate: cfg.Video.Bitrate.Int(), AudioCodec: codec, AudioBitrate: cfg.Audio.Bitrate.Int(),
		// An IDR exactly where each segment may end, so segments keep
		// their planned length and every one can start playback.
		KeyframeInterval: max(1, int(cfg.HLS.SegmentDuration.D().Seconds()*float64(cfg.Video.FPS)+0.5)),
		Logger:           log,
	}
}

// newLogger writes to w in the format of cfg. The level it returns sets
// what is logged from then on: SIGHUP changes it (reloader).
func newLogger(w io.Writer, cfg configs.Log) (*slog.Logger, *slog.LevelVar) {
	level := &slog.LevelVar{}
	_ = level.UnmarshalText([]byte(cfg.Level)) // validated with the config
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts)), level
	}
	return slog.New(slog.NewTextHandler(w, opts)), level
}

// stdinFile returns stdin as a file when it is one.
func stdinFile(stdin io.Reader) *os.File {
	f, _ := stdin.(*os.File)
	return f
}

const trayUsage = `Usage: llcast tray [flags]

Runs llcast serve with an icon in the system tray: its menu shows whether
the stream is live and how many watch, opens the studio or the watch page,
copies the viewer link, starts and stops the stream, and quits. Without a
tray (no StatusNotifierWatcher on the desktop's session bus) it says so
once and carries on as llcast serve in the terminal.

Flags (the same as llcast serve):
`

// checkStreamFile checks that llcast can play a file before it becomes a
// stream.
func checkStreamFile(path string) error {
	f, err := file.Open(path)
	if err != nil {
		return err
	}
	return f.Close()
}
