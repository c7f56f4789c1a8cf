package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"text/tabwriter"

	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

// streamCommand is one `llcast stream` run: its flags and what they load.
type streamCommand struct {
	name   string
	host   string
	asJSON bool
	store  *auth.StreamStore
	ports  auth.PublishPorts
	// watchBase is where viewers reach the server (baseURL).
	watchBase string
}

func (c *streamCommand) add(file, title string, vod, local bool, opts streamOptions, stdout io.Writer) error {
	source := auth.SourcePush
	if local {
		source = auth.SourceLocal
	}
	if file != "" {
		source = auth.SourceFile
		abs, err := filepath.Abs(file)
		if err != nil {
			return fmt.Errorf("stream file %q: %w", file, err)
		}
		if err := auth.CheckStreamFile(abs); err != nil {
			return err
		}
		if opts.checkFile != nil {
			if err := opts.checkFile(abs); err != nil {
				return err
			}
		}
		file = abs
	}
	s, err := c.store.Add(c.name, source, file, vod)
	if errors.Is(err, auth.ErrStreamExists) {
		return fmt.Errorf("%w: pick another name, or remove it first with `llcast stream remove %s`", err, c.name)
	}
	if err != nil {
		return err
	}
	if title != "" {
		// runStream checked the title: only the file can fail here.
		if s, err = c.store.SetTitle(s.Name, title); err != nil {
			return fmt.Errorf("stream %s was added, but not its title (`llcast stream title %s …` sets it): %w", c.name, c.name, err)
		}
	}
	if c.asJSON {
		return c.printJSON(stdout, s.Info(c.host, c.ports))
	}
	if s.Source == auth.SourceLocal {
		fmt.Fprintf(stdout, "Stream %q added: this machine's camera and microphone, or the test source.\n", s.Name)
	} else if s.Source == auth.SourceFile {
		how := "played as live, in a loop"
		if s.VOD {
			how = "on demand (VOD), with seeking"
		}
		fmt.Fprintf(stdout, "Stream %q added: %s, %s.\n", s.Name, s.File, how)
	} else {
		fmt.Fprintf(stdout, "Stream %q added. Publish to it with OBS or ffmpeg:\n\n", s.Name)
		c.printPublish(stdout, s)
	}
	fmt.Fprintf(stdout, "Viewers watch at %s%s.\n", c.watchBase, auth.WatchPath(s.Name))
	return nil
}

func (c *streamCommand) list(stdout io.Writer) error {
	streams, err := c.store.List()
	if err != nil {
		return err
	}
	if c.asJSON {
		infos := make([]auth.StreamInfo, 0, len(streams))
		for _, s := range streams {
			infos = append(infos, s.Info(c.host, c.ports))
		}
		return c.printJSON(stdout, infos)
	}
	if len(streams) == 0 {
		fmt.Fprintln(stdout, "no streams: add one with `llcast stream add NAME`")
		return nil
	}
	// The TITLE column only when a stream has one: most have none.
	titled := slices.ContainsFunc(streams, func(s auth.Stream) bool { return s.Title != "" })
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	if titled {
		fmt.Fprintln(tw, "NAME\tTITLE\tSOURCE\tDETAILS")
	} else {
		fmt.Fprintln(tw, "NAME\tSOURCE\tDETAILS")
	}
	for _, s := range streams {
		if titled {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", s.Name, listTitle(s.Title), s.Source, c.details(s))
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", s.Name, s.Source, c.details(s))
		}
	}
	return tw.Flush()
}

// listTitle is a title as `llcast stream list` prints it: "-" for none.
// The store keeps control characters out of titles (auth.CleanTitle), so
// none can move the terminal's cursor or break the table.
func listTitle(title string) string {
	if title == "" {
		return "-"
	}
	return title
}

func (c *streamCommand) setTitle(title string, stdout io.Writer) error {
	s, err := c.store.SetTitle(c.name, title)
	if errors.Is(err, ingest.ErrUnknownStream) {
		return fmt.Errorf("%w (`llcast stream list` shows them)", err)
	}
	if err != nil {
		return err
	}
	if c.asJSON {
		return c.printJSON(stdout, s.Info(c.host, c.ports))
	}
	if s.Title == "" {
		fmt.Fprintf(stdout, "Stream %q has no title now.\n", s.Name)
		return nil
	}
	fmt.Fprintf(stdout, "Stream %q is titled %q.\n", s.Name, s.Title)
	return nil
}

// details describes a stream in `llcast stream list`, never with its key.
func (c *streamCommand) details(s auth.Stream) string {
	switch s.Source {
	case auth.SourceLocal:
		return "this machine's camera and microphone, or the test source"
	case auth.SourceFile:
		if s.VOD {
			return s.File + " (on demand)"
		}
		return s.File + " (live, looped)"
	}
	u := auth.NewPublishURLs(c.host, c.ports, s.Name, "…")
	where := u.RTMP
	if where == "" {
		where = u.SRT
	}
	if where == "" {
		return "RTMP and SRT are off in the config"
	}
	return where + " (`llcast stream key " + s.Name + "` shows the key)"
}

func (c *streamCommand) remove(stdout io.Writer) error {
	s, err := c.store.Remove(c.name)
	if errors.Is(err, ingest.ErrUnknownStream) {
		return fmt.Errorf("%w (`llcast stream list` shows them)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "removed stream %q (%s)\n", s.Name, s.Source)
	return nil
}

func (c *streamCommand) key(rotate bool, stdout io.Writer) error {
	get := c.store.Get
	if rotate {
		get = c.store.RotateKey
	}
	s, err := get(c.name)
	if errors.Is(err, ingest.ErrUnknownStream) {
		return fmt.Errorf("%w (`llcast stream list` shows them)", err)
	}
	if err != nil {
		return err
	}
	if s.Key == "" {
		return fmt.Errorf("stream %s %w", s.Name, auth.ErrNoKey)
	}
	if c.asJSON {
		return c.printJSON(stdout, s.Info(c.host, c.ports))
	}
	if rotate {
		fmt.Fprintf(stdout, "New key for stream %q; the old one no longer works. Publish with:\n\n", s.Name)
	} else {
		fmt.Fprintf(stdout, "Stream %q. Publish with:\n\n", s.Name)
	}
	c.printPublish(stdout, s)
	return nil
}

// printPublish prints where and how to publish a push stream.
func (c *streamCommand) printPublish(w io.Writer, s auth.Stream) {
	u := auth.NewPublishURLs(c.host, c.ports, s.Name, s.Key)
	if u.RTMP != "" {
		fmt.Fprintf(w, "  RTMP:  %s\n", u.RTMP)
	}
	if u.RTMPS != "" {
		fmt.Fprintf(w, "  RTMPS: %s\n", u.RTMPS)
	}
	if u.SRT != "" {
		fmt.Fprintf(w, "  SRT:   %s\n", u.SRT)
		if u.SRTPassphrase {
			fmt.Fprintln(w, "         add &passphrase=… with this server's srt.passphrase")
		}
	}
	fmt.Fprintf(w, "  Key:   %s\n\n", s.Key)
	if u.RTMP != "" {
		fmt.Fprintf(w, "In OBS (Settings → Stream, Service: Custom…):\n  Server:     %s\n  Stream Key: %s\n", u.OBSServer, u.OBSKey)
		fmt.Fprintln(w, "In OBS set Keyframe Interval to 1 s (Settings → Output, Output Mode: Advanced).")
	}
	if u.RTMP == "" && u.SRT == "" {
		fmt.Fprintln(w, "RTMP and SRT are both off in the config (rtmp.listen, srt.listen): turn one on to publish.")
	}
	fmt.Fprintf(w, "Anyone with the key can publish: `llcast stream key %s --rotate` replaces it.\n", s.Name)
}

func (c *streamCommand) printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}
