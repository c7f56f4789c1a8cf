package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi/auth"
)

const streamUsage = `Usage:
  llcast stream add NAME [--json] [--host NAME]       a stream OBS or ffmpeg pushes to
  llcast stream add NAME --file PATH [--vod] [--json] a video file, looped as live or on demand
  llcast stream add NAME --local                      this machine's camera and microphone
  llcast stream list [--json] [--host NAME]
  llcast stream remove NAME
  llcast stream key NAME [--rotate] [--json] [--host NAME]
  llcast stream title NAME TEXT [--json]              what viewers read above the player ("" removes it)

Each also takes --data DIR and --config FILE, as llcast serve does.

A server carries many named streams; viewers watch each at /watch/NAME. A
name is 1 to 64 characters from a-z, 0-9, '-' and '_'. "main" exists from
the start with this machine's camera and microphone (or the test source);
llcast serve captures for the local stream its --stream names (main), and
stops when that stream is removed: "stream add main --local" brings it back.
"add" prints where to publish a new stream and its key; "key" prints them
again, and with --rotate makes a new key first (the old one stops working).
Keys are shown by add, key and --json only. A title (add --title, or
"title") is plain text of up to 100 characters: control characters are
dropped. A running llcast picks up every change at once.

Flags:
`

// streamOptions is what the wiring hands `llcast stream`.
type streamOptions struct {
	// checkFile, when set, checks that llcast can play a new file
	// stream's file. nil: only that the file is there.
	checkFile func(path string) error
}

func runStream(args []string, opts streamOptions, stdout, stderr io.Writer) error {
	sub, err := pickSubcommand(args, "stream", streamUsage, []string{"add", "list", "remove", "key", "title"}, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("stream "+sub, streamUsage, stderr)
	configPath := fs.String("config", "", "YAML config `file` (see configs/llcast.yml)")
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
	var c streamCommand
	var file, title string
	var vod, rotate, local bool
	if sub != "remove" {
		fs.BoolVar(&c.asJSON, "json", false, "print JSON, with the keys")
		fs.StringVar(&c.host, "host", "", "host `name` publishers reach this server at (default: its listen address, or this machine's LAN address)")
	}
	switch sub {
	case "add":
		fs.StringVar(&file, "file", "", "a video `file` (MP4 or MPEG-TS, H.264 and AAC) to stream instead of a publisher")
		fs.BoolVar(&vod, "vod", false, "serve --file on demand, with seeking, instead of looping it as live")
		fs.BoolVar(&local, "local", false, "this machine's camera and microphone (or the test source), as main has")
		fs.StringVar(&title, "title", "", "what viewers read above the player (plain `text`, up to 100 characters)")
	case "key":
		fs.BoolVar(&rotate, "rotate", false, "make a new key first; the old one stops working")
	}
	names, err := parseWithNames(fs, args[1:])
	if err != nil {
		return err
	}
	if sub == "title" {
		// Everything after NAME is the title, so that it needs no quotes.
		if len(names) < 2 {
			fs.Usage()
			return usageErrorf("missing title: `llcast stream title NAME TEXT` (\"\" removes it)")
		}
		title = strings.Join(names[1:], " ")
		names = names[:1]
	}
	switch {
	case sub == "list" && len(names) > 0:
		fs.Usage()
		return usageErrorf("unexpected argument %q: `llcast stream list` takes no NAME", names[0])
	case sub != "list" && len(names) != 1:
		fs.Usage()
		if len(names) == 0 {
			return usageErrorf("missing stream NAME: `llcast stream %s NAME`", sub)
		}
		return usageErrorf("one stream NAME at a time, not %q", strings.Join(names, " "))
	case sub != "list":
		c.name = names[0]
		if err := auth.CheckStreamName(c.name); err != nil {
			return fmt.Errorf("%w: %v", errUsage, err)
		}
	}
	if _, err := auth.CleanTitle(title); err != nil {
		fs.Usage()
		return usageErrorf("%v", err)
	}
	if vod && file == "" {
		fs.Usage()
		return usageErrorf("--vod needs --file PATH")
	}
	if local && file != "" {
		fs.Usage()
		return usageErrorf("a stream is --local or a --file, not both")
	}

	cfg, err := streamConfig(*configPath, *dataFlag)
	if err != nil {
		return err
	}
	dataDir, err := cfg.DataDir()
	if err != nil {
		return err
	}
	c.store = &auth.StreamStore{Path: filepath.Join(dataDir, auth.StreamsFile)}
	if err := c.store.Load(); err != nil {
		return err
	}
	ips := lanIPs()
	c.ports = publishPorts(cfg)
	c.watchBase = baseURL(cfg, cfg.Listen, ips)
	if c.host == "" {
		c.host = publishHost(cfg, ips)
	}
	switch sub {
	case "add":
		return c.add(file, title, vod, local, opts, stdout)
	case "title":
		return c.setTitle(title, stdout)
	case "list":
		return c.list(stdout)
	case "remove":
		return c.remove(stdout)
	}
	return c.key(rotate, stdout)
}

// parseWithNames parses flags before, between and after the positional
// arguments, which it returns.
func parseWithNames(fs *flag.FlagSet, args []string) ([]string, error) {
	var names []string
	for {
		if err := parseFlags(fs, args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return names, nil
		}
		names = append(names, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// streamConfig loads the settings as llcast serve does: defaults,
// --config, LLCAST_*, then --data.
func streamConfig(path, data string) (configs.Config, error) {
	cfg, err := configs.Load(path, os.Environ())
	if err != nil {
		return cfg, err
	}
	if data != "" {
		cfg.Data = data
	}
	return cfg, cfg.Validate()
}
