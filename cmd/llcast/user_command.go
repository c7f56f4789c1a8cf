package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/llcast/llcast/httpapi"
)

// userCommand is one `llcast user` run: the user it names and the store.
type userCommand struct {
	name    string
	dataDir string
	asJSON  bool
	users   *httpapi.UserStore
}

// add adds the user or replaces their password, role and streams. It
// refuses to change an existing user's role or streams unless the flag
// was given: `user add admin --password-stdin` meant to reset a password,
// and must not make the admin a viewer.
func (c *userCommand) add(role string, roleSet bool, streams []string, streamsSet bool, password string, stdout, stderr io.Writer) error {
	old, exists, err := c.users.Get(c.name)
	if err != nil {
		return err
	}
	if exists && !roleSet && old.Role != role {
		return usageErrorf("user %q is %s %s: say --role %s to keep that, or --role %s to change it "+
			"(`llcast user passwd %s --password-stdin` changes only the password)",
			c.name, article(old.Role), old.Role, old.Role, role, c.name)
	}
	if exists && !streamsSet && role == httpapi.RoleViewer && len(old.Streams) > 0 {
		return usageErrorf("user %q may watch only %s: say --streams to change that (--streams= for every stream) "+
			"(`llcast user passwd %s --password-stdin` changes only the password)",
			c.name, strings.Join(old.Streams, ", "), c.name)
	}
	if err := c.users.Put(c.name, role, password, streams...); err != nil {
		return err
	}
	what := role
	if len(streams) > 0 {
		what += "; streams " + strings.Join(streams, ", ")
	}
	fmt.Fprintf(stdout, "user %q (%s) saved in %s\n", c.name, what, c.users.Path)
	if exists {
		fmt.Fprintln(stdout, "Their sessions have ended: they log in again.")
	}
	warnUnknownStreams(c.dataDir, streams, stderr)
	return nil
}

func article(role string) string {
	if role == httpapi.RoleAdmin {
		return "an"
	}
	return "a"
}

// passwd gives the user a new password, keeping their role and streams.
func (c *userCommand) passwd(password string, stdout io.Writer) error {
	err := c.users.SetPassword(c.name, password)
	if errors.Is(err, httpapi.ErrUnknownUser) {
		return fmt.Errorf("%w (`llcast user list` shows them; `llcast user add` adds one)", err)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "new password for user %q saved in %s\nTheir sessions have ended: they log in again.\n", c.name, c.users.Path)
	return nil
}

// userInfo is a user in `llcast user list --json`: never the hash.
type userInfo struct {
	Name string `json:"name"`
	Role string `json:"role"`
	// Streams limit a viewer; absent, the user may watch every stream.
	Streams []string `json:"streams,omitempty"`
}

func (c *userCommand) list(stdout io.Writer) error {
	users, err := c.users.List()
	if err != nil {
		return err
	}
	if c.asJSON {
		infos := make([]userInfo, 0, len(users))
		for _, u := range users {
			infos = append(infos, userInfo{Name: u.Name, Role: u.Role, Streams: u.Streams})
		}
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(infos)
	}
	if len(users) == 0 {
		fmt.Fprintln(stdout, "no users: add one with `llcast user add NAME --password-stdin`")
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tROLE\tSTREAMS")
	for _, u := range users {
		streams := "all"
		if len(u.Streams) > 0 && u.Role != httpapi.RoleAdmin {
			streams = strings.Join(u.Streams, ",")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, streams)
	}
	return tw.Flush()
}

// remove removes the user, then revokes the links they made. Removal
// comes first: a link whose creator is gone is refused already, so a
// failure to revoke leaves no link working.
func (c *userCommand) remove(stdout io.Writer) error {
	u, err := c.users.Remove(c.name)
	switch {
	case errors.Is(err, httpapi.ErrUnknownUser):
		return fmt.Errorf("%w (`llcast user list` shows them)", err)
	case errors.Is(err, httpapi.ErrLastAdmin):
		return fmt.Errorf("%w: add another first (`llcast user add NAME --role admin --password-stdin`)", err)
	case err != nil:
		return err
	}
	links := &httpapi.LinkStore{Path: filepath.Join(c.dataDir, httpapi.LinksFile)}
	n, err := links.RevokeBy(u.Name)
	if err != nil {
		return fmt.Errorf("user %q removed, but revoking their stream links failed: %w "+
			"(a link whose creator is gone is refused anyway)", u.Name, err)
	}
	fmt.Fprintf(stdout, "removed user %q (%s); revoked %d stream link(s) they made\n", u.Name, u.Role, n)
	return nil
}
