package main

import (
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/llcast/llcast/httpapi"
)

const linkUsage = `Usage:
  llcast link [--stream NAME] [--ttl 24h] [--label TEXT] [--base URL] [--data DIR]
  llcast link list [--data DIR]
  llcast link revoke ID|all [--data DIR]

A stream link is a playback URL for players that cannot log in (VLC, a TV,
Safari's AirPlay, ffmpeg): /live/NAME/index.m3u8?token=… opens that one
stream, and nothing else, until it expires or is revoked. Anyone who has
the URL can watch: share it like a password. A running llcast picks up new
and revoked links at once.

Flags:
`

func runLink(args []string, stdout, stderr io.Writer) error {
	cmd := "create"
	if len(args) > 0 && (args[0] == "list" || args[0] == "revoke") {
		cmd, args = args[0], args[1:]
	}
	fs := newFlagSet("link", linkUsage, stderr)
	stream := fs.String("stream", "main", "stream `name`")
	ttl := fs.Duration("ttl", httpapi.DefaultLinkTTL, "how long the link works")
	label := fs.String("label", "", "a note to recognize the link by (\"living-room TV\")")
	base := fs.String("base", "", "`URL` viewers reach llcast at (default: this machine's LAN address, port 8080)")
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
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
	dataDir, err := dataDirFor(*dataFlag)
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
	return createLink(links, dataDir, *stream, *label, *base, *ttl, stdout)
}

func createLink(links *httpapi.LinkStore, dataDir, stream, label, base string, ttl time.Duration, stdout io.Writer) error {
	key, err := httpapi.LoadOrCreateKey(dataDir)
	if err != nil {
		return err
	}
	auth := &httpapi.TokenAuth{Key: key}
	if err := auth.Start(); err != nil {
		return err
	}
	l, err := links.New(stream, "cli", label, ttl, time.Now())
	if err != nil {
		return err
	}
	token, err := auth.IssueLink(l)
	if err != nil {
		return err
	}
	if base == "" {
		urls := watchURLs(":8080", "http")
		base = urls[len(urls)-1]
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
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", l.ID, l.Stream, l.Subject,
			l.Expires.Local().Format("2006-01-02 15:04"), state, l.Label)
	}
	return tw.Flush()
}
