package main

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode/utf8"

	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

const linkUsage = `Usage:
  llcast link [--stream NAME] [--ttl 24h] [--label TEXT] [--base URL] [--config FILE] [--data DIR]
  llcast link list [--config FILE] [--data DIR]
  llcast link revoke ID|all [--config FILE] [--data DIR]

A stream link is a playback URL for players that cannot log in (VLC, a TV,
Safari's AirPlay, ffmpeg): /live/NAME/index.m3u8?token=… opens that one
stream, and nothing else, until it expires or is revoked. Anyone who has
the URL can watch: share it like a password. A running llcast picks up new
and revoked links at once.

The stream must exist. A label is plain text of up to 100 characters:
control characters are dropped, and list prints escaped any it finds. At
most 100 links made here (and 100 per user on the watch page) may be live
at once: revoke some, or let them expire, to make more.

Give the --config and --data llcast serve runs with (or the same LLCAST_*
variables): the URL starts with the config's http.public_url when it has
one (a server behind nginx or a CDN); else with its scheme (https with
tls.cert or tls.self_signed), this machine's LAN address (IPv4 first) and
the port of its listen setting. Flags given to llcast serve itself
(--listen, --tls) are not known here: put them in the config, or say
--base.

Flags:
`

// linkOptions is what the wiring hands `llcast link`.
type linkOptions struct {
	// lanIPs lists this machine's addresses (lanIPs; tests give theirs).
	lanIPs func() []string
}

func runLink(args []string, opts linkOptions, stdout, stderr io.Writer) error {
	// Without one, link makes a link: only list and revoke are
	// subcommands.
	noteSubcommands(stderr, []string{"list", "revoke"})
	cmd := "create"
	if len(args) > 0 && (args[0] == "list" || args[0] == "revoke") {
		cmd, args = args[0], args[1:]
	}
	name := "link"
	if cmd != "create" {
		name += " " + cmd
	}
	fs := newFlagSet(name, linkUsage, stderr)
	configPath := fs.String("config", "", "YAML config `file` of the server (see configs/llcast.yml)")
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
	var stream, label, base string
	var ttl time.Duration
	if cmd == "create" {
		fs.StringVar(&stream, "stream", "main", "stream `name`")
		fs.DurationVar(&ttl, "ttl", httpapi.DefaultLinkTTL, "how long the link works")
		fs.StringVar(&label, "label", "", "a note to recognize the link by (\"living-room TV\")")
		fs.StringVar(&base, "base", "", "`URL` viewers reach llcast at (default: http.public_url, or the config's scheme and port on this machine's LAN address)")
	}
	var id string
	if cmd == "revoke" && len(args) > 0 && args[0] != "" && args[0][0] != '-' {
		id, args = args[0], args[1:]
	}
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("unexpected argument %q", fs.Arg(0))
	}
	if base != "" {
		if u, err := url.Parse(base); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" ||
			u.RawQuery != "" || u.Fragment != "" {
			fs.Usage()
			return usageErrorf("--base %q is not a URL like https://live.example or http://192.168.1.5:8080", base)
		}
	}
	cfg, err := streamConfig(*configPath, *dataFlag)
	if err != nil {
		return err
	}
	dataDir, err := cfg.DataDir()
	if err != nil {
		return err
	}
	links := &httpapi.LinkStore{Path: filepath.Join(dataDir, httpapi.LinksFile)}
	switch cmd {
	case "list":
		return listLinks(links, stdout)
	case "revoke":
		if id == "" {
			fs.Usage()
			return usageErrorf("say which link: `llcast link revoke ID` (see `llcast link list`) or `all`")
		}
		n, err := links.Revoke(id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "revoked %d link(s)\n", n)
		return nil
	}
	if base == "" {
		base = baseURL(cfg, cfg.Listen, opts.lanIPs())
	}
	return createLink(links, dataDir, stream, label, base, ttl, stdout)
}

func createLink(links *httpapi.LinkStore, dataDir, stream, label, base string, ttl time.Duration, stdout io.Writer) error {
	// As the API does: a link names a stream that exists. Grants do not
	// apply: whoever may write the data directory may watch everything.
	streams := &auth.StreamStore{Path: filepath.Join(dataDir, auth.StreamsFile)}
	if _, err := streams.Get(stream); errors.Is(err, ingest.ErrUnknownStream) {
		return fmt.Errorf("%w (`llcast stream list` shows them)", err)
	} else if err != nil {
		return err
	}
	key, err := httpapi.LoadOrCreateKey(dataDir)
	if err != nil {
		return err
	}
	tokens := &httpapi.TokenAuth{Key: key}
	if err := tokens.Start(); err != nil {
		return err
	}
	l, err := links.New(stream, httpapi.CLILinkSubject, label, ttl, time.Now())
	if errors.Is(err, httpapi.ErrTooManyLinks) {
		return fmt.Errorf("%w (`llcast link list` shows them, `llcast link revoke ID` revokes one)", err)
	}
	if err != nil {
		return err
	}
	token, err := tokens.IssueLink(l)
	if err != nil {
		return err
	}
	base = strings.TrimRight(base, "/")
	fmt.Fprintf(stdout, "%s\n\nlink %s for stream %q, valid until %s.\nRevoke it with: llcast link revoke %s\n",
		httpapi.LinkURL(base, stream, token), l.ID, stream, l.Expires.Local().Format(time.RFC1123), l.ID)
	return nil
}

func listLinks(links *httpapi.LinkStore, stdout io.Writer) error {
	all, err := links.List()
	if err != nil {
		return err
	}
	if len(all) == 0 {
		fmt.Fprintln(stdout, "no stream links")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTREAM\tBY\tEXPIRES\tSTATE\tLABEL")
	now := time.Now()
	for _, l := range all {
		state := "active"
		switch {
		case l.Revoked:
			state = "revoked"
		case !l.Expires.After(now):
			state = "expired"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", printable(l.ID), printable(l.Stream), printable(l.Subject),
			l.Expires.Local().Format("2006-01-02 15:04"), state, printable(l.Label))
	}
	return tw.Flush()
}

// printable is s as the terminal should get it: as it is when every
// character prints, else quoted with escapes (strconv.Quote), so that
// what a file or a viewer put in a label can neither steer the terminal
// nor break the table. New labels are cleaned (httpapi.CleanLabel); older
// files, or one edited by hand, may hold anything.
func printable(s string) string {
	if strings.IndexFunc(s, func(r rune) bool { return !strconv.IsPrint(r) }) >= 0 || !utf8.ValidString(s) {
		return strconv.Quote(s)
	}
	return s
}
