package main

import (
	"errors"
	"fmt"
	"io"
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
  llcast link [--stream NAME] [--ttl 24h] [--label TEXT] [--base URL] [--data DIR]
  llcast link list [--data DIR]
  llcast link revoke ID|all [--data DIR]

A stream link is a playback URL for players that cannot log in (VLC, a TV,
Safari's AirPlay, ffmpeg): /live/NAME/index.m3u8?token=… opens that one
stream, and nothing else, until it expires or is revoked. Anyone who has
the URL can watch: share it like a password. A running llcast picks up new
and revoked links at once.

The stream must exist. A label is plain text of up to 100 characters:
control characters are dropped, and list prints escaped any it finds. At
most 100 links made here (and 100 per user on the watch page) may be live
at once: revoke some, or let them expire, to make more.

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
