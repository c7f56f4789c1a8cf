package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/ingest"
	"github.com/llcast/llcast/ingest/rtmp"
	"github.com/llcast/llcast/ingest/srt"
	"github.com/llcast/llcast/ingest/uplink"
	"github.com/llcast/llcast/segmenter"
)

const pushUsage = `Usage: llcast push --to URL --stream NAME --key KEY [flags]

Streams the camera and microphone (or the test source) to an llcast server
elsewhere, which serves the viewers: start it on the machine with the
camera, and run llcast serve on a server that viewers and a CDN can reach.
On the server, "llcast stream add NAME" prints the URLs and the key.

  llcast push --to srt://example.net:8890 --stream stage --key KEY
  llcast push --to 'rtmp://example.net:1935/live/stage?key=KEY'

URL is srt:// (best over lossy links), rtmp:// or rtmps://. A publish URL
that names the stream and key, as "llcast stream add" prints it, needs no
--stream and --key. When the network or the server goes away it says so
and reconnects, waiting up to 10 s between attempts.

On a terminal it asks which camera and microphone to use when there are
several, shows a status line, and stops on q or Ctrl+C.

Flags:
`

// pushTarget is where a push goes.
type pushTarget struct {
	url         *url.URL
	stream, key string
	insecure    bool
}

func runPush(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	cfg, target, tray, err := loadPushConfig(args, stderr)
	if err != nil {
		return err
	}
	ctx, quit := context.WithCancel(ctx)
	defer quit()
	term := newServeTerminal(stdin, stderr)
	log, _ := newLogger(term.logOut(), cfg.Log)

	sel, err := chooseSelection(cfg, ingest.ListDevices(), term, stdout, log)
	if err != nil {
		return err
	}
	p := &pusher{target: target, log: log, gaveUp: make(chan error, 1)}
	b := &segmenter.Broadcast{
		Name: target.stream, Encoding: encodingOf(cfg, log), Selection: sel, Logger: log, Sink: p.sink,
	}
	if err := b.Start(); err != nil {
		return err
	}
	if err := b.StartStream(); err != nil {
		if errors.Is(err, ingest.ErrNoDevice) {
			err = fmt.Errorf("%w (`llcast devices` lists them; --source test sends the test picture)", err)
		}
		return err
	}
	defer b.Close()
	fmt.Fprintf(stdout, "llcast %s: sending %s to %s, stream %q.\n", version,
		describeSelection(b.Status().Selection), target.url.Redacted(), target.stream)

	if tray {
		slog.SetDefault(log)
		stop, err := runTray(ctx, pushTray{b, p}, trayURLs{}, quit, log)
		if err != nil {
			log.Warn("no tray icon; carrying on in the terminal", "reason", err)
		} else {
			defer stop()
		}
	}
	term.run(ctx, quit, func() string {
		return formatPushStatus(b.Status(), p.status(), time.Now())
	}, func() string {
		return formatPushStatusPlain(b.Status(), p.status(), time.Now())
	}, log)

	select {
	case <-ctx.Done():
		err = nil
	case err = <-p.gaveUp:
		err = fmt.Errorf("%w (on the server, `llcast stream list` shows the streams and `llcast stream key NAME` the key)", err)
	}
	log.Info("stopping")
	term.close()
	b.Close()
	return err
}

// pusher makes the broadcast's sink, an uplink, each time it goes on air.
type pusher struct {
	target pushTarget
	log    *slog.Logger
	gaveUp chan error // the first uplink that gave up, and why

	mu sync.Mutex // guards up
	up *uplink.Uplink
}

func (p *pusher) sink(tracks []*ingest.Track) (segmenter.Sink, error) {
	up := &uplink.Uplink{
		URL: p.target.url, Stream: p.target.stream, Key: p.target.key, Tracks: tracks,
		Dial: dialer(p.target), Logger: p.log,
	}
	if err := up.Start(); err != nil {
		return nil, err
	}
	go func() {
		<-up.Done()
		if err := up.Err(); err != nil {
			select {
			case p.gaveUp <- err:
			default:
			}
		}
	}()
	p.mu.Lock()
	p.up = up
	p.mu.Unlock()
	return up, nil
}

func (p *pusher) status() uplink.Status {
	p.mu.Lock()
	up := p.up
	p.mu.Unlock()
	if up == nil {
		return uplink.Status{}
	}
	return up.Status()
}

// dialer picks the protocol of the URL.
func dialer(t pushTarget) uplink.DialFunc {
	if t.url.Scheme == "srt" {
		return srt.Dial
	}
	var conf *tls.Config
	if t.url.Scheme == "rtmps" {
		conf = &tls.Config{ServerName: t.url.Hostname(), InsecureSkipVerify: t.insecure} //nolint:gosec // asked for with --insecure
	}
	return func(ctx context.Context, u *url.URL, stream, key string, tracks []*ingest.Track) (ingest.Sender, error) {
		return rtmp.Dial(ctx, u, stream, key, tracks, conf)
	}
}

// pushTray is what the tray steers during a push.
type pushTray struct {
	*segmenter.Broadcast
	p *pusher
}

func (t pushTray) Audience() string {
	if st := t.p.status(); st.Connected {
		return "sending"
	}
	return "reconnecting"
}

// loadPushConfig reads the flags of push over the config, and where to.
func loadPushConfig(args []string, stderr io.Writer) (cfg configs.Config, t pushTarget, tray bool, err error) {
	fs := newFlagSet("push", pushUsage, stderr)
	def := configs.Default()
	var set configs.Config
	path := bindCaptureFlags(fs, &set, def)
	to := fs.String("to", "", "the server's `URL`: srt://HOST:8890, rtmp://HOST:1935 or rtmps://HOST:1936")
	fs.BoolVar(&tray, "tray", false, "show an icon in the system tray, as llcast tray does")
	fs.StringVar(&t.stream, "stream", "", "the stream `name` on the server")
	fs.StringVar(&t.key, "key", "", "the stream's publish `key`")
	fs.BoolVar(&t.insecure, "insecure", false, "rtmps: accept a certificate that does not verify (a self-signed server)")
	if err := parseFlags(fs, args); err != nil {
		return def, t, false, err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return def, t, false, usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if cfg, err = configs.Load(*path, os.Environ()); err != nil {
		return cfg, t, false, err
	}
	fs.Visit(func(f *flag.Flag) { applyCaptureFlag(f.Name, &cfg, set) })
	if err := cfg.Validate(); err != nil {
		return cfg, t, false, err
	}
	if err := t.parse(*to); err != nil {
		fs.Usage()
		return cfg, t, false, usageErrorf("%v", err)
	}
	return cfg, t, tray, nil
}

// parse takes the URL, and the stream and key from it when it is a
// publish URL and the flags did not give them.
func (t *pushTarget) parse(to string) error {
	if to == "" {
		return errors.New("say where to with --to URL (srt://HOST:8890, rtmp://HOST:1935 or rtmps://HOST:1936)")
	}
	u, err := url.Parse(to)
	if err != nil || u.Host == "" {
		return fmt.Errorf("--to %q is not a URL like srt://HOST:8890", to)
	}
	var stream, key string
	switch u.Scheme {
	case "srt":
		if id := u.Query().Get("streamid"); id != "" {
			parts := strings.SplitN(id, ":", 3)
			if len(parts) != 3 || parts[0] != "publish" {
				return fmt.Errorf("--to: streamid %q is not publish:STREAM:KEY", id)
			}
			stream, key = parts[1], parts[2]
		}
	case "rtmp", "rtmps":
		if rest, ok := strings.CutPrefix(u.Path, "/live/"); ok && rest != "" {
			stream, key = rest, u.Query().Get("key")
		}
	default:
		return fmt.Errorf("--to %q: use srt://, rtmp:// or rtmps://", to)
	}
	if t.stream == "" {
		t.stream = stream
	}
	if t.key == "" {
		t.key = key
	}
	switch {
	case t.stream == "":
		return errors.New("say which stream with --stream NAME (`llcast stream list` on the server)")
	case !configs.ValidStreamName(t.stream):
		return fmt.Errorf("--stream %q: a stream name is 1 to 64 characters from a-z, 0-9, '-' and '_'", t.stream)
	case t.key == "":
		return errors.New("give the stream's publish key with --key KEY (`llcast stream key NAME` on the server)")
	}
	// The dialers add the stream and key in their protocol's way.
	u.Path, u.RawQuery = "", keepQuery(u, "passphrase", "latency")
	t.url = u
	return nil
}

// keepQuery returns u's query with only the named keys.
func keepQuery(u *url.URL, keys ...string) string {
	q, out := u.Query(), url.Values{}
	for _, k := range keys {
		if v, ok := q[k]; ok {
			out[k] = v
		}
	}
	return out.Encode()
}
