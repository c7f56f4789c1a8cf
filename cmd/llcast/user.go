package main

import (
	"bufio"
	"crypto/rand"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/llcast/llcast/configs"
	"github.com/llcast/llcast/httpapi"
	"github.com/llcast/llcast/httpapi/auth"
	"github.com/llcast/llcast/ingest"
)

const userUsage = `Usage:
  llcast user add NAME [--role admin|viewer] [--streams a,b] --password-stdin
  llcast user passwd NAME --password-stdin
  llcast user list [--json]
  llcast user remove NAME

Each also takes --data DIR, as llcast serve does.

add creates a user who may log in to watch, or gives an existing one a new
password, role and streams; passwd changes only the password. The password
is read from standard input (one line), so it never shows in the process
list or shell history:

  echo 'a long passphrase' | llcast user add alice --password-stdin

--streams limits a viewer to those streams; without it they may watch all.
To change an existing user's role or streams, say --role or --streams
(--streams= for all): add refuses to change them unasked.

Every change to a user ends their sessions, on every device, within 0.1 s
in a running server: they log in again. remove also revokes the stream
links the user made, and refuses to remove the last admin.

Flags:
`

func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	sub, err := pickSubcommand(args, "user", userUsage, []string{"add", "passwd", "list", "remove"}, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("user "+sub, userUsage, stderr)
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
	var c userCommand
	var fromStdin bool
	var role, streamList string
	switch sub {
	case "add":
		fs.StringVar(&role, "role", httpapi.RoleViewer, "admin or viewer")
		fs.StringVar(&streamList, "streams", "", "comma-separated `names` of the streams a viewer may watch (default: all)")
		fallthrough
	case "passwd":
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input (required)")
	case "list":
		fs.BoolVar(&c.asJSON, "json", false, "print JSON")
	}
	names, err := parseWithNames(fs, args[1:])
	if err != nil {
		return err
	}
	switch {
	case sub == "list" && len(names) > 0:
		fs.Usage()
		return usageErrorf("unexpected argument %q: `llcast user list` takes no NAME", names[0])
	case sub != "list" && len(names) == 0:
		fs.Usage()
		return usageErrorf("missing user NAME: `llcast user %s NAME`", sub)
	case sub != "list" && len(names) > 1:
		fs.Usage()
		return usageErrorf("one user NAME at a time, not %q", strings.Join(names, " "))
	case sub != "list":
		c.name = names[0]
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var streams []string
	switch sub {
	case "add", "passwd":
		if !fromStdin {
			fs.Usage()
			return usageErrorf("pass the password on standard input with --password-stdin")
		}
		if streams, err = parseGrants(streamList, role); err != nil {
			fs.Usage()
			return err
		}
	}
	var password string
	if fromStdin {
		if password, err = readPassword(stdin); err != nil {
			return err
		}
	}
	dataDir, err := dataDirFor(*dataFlag)
	if err != nil {
		return err
	}
	c.dataDir = dataDir
	c.users = &httpapi.UserStore{Path: filepath.Join(dataDir, httpapi.UsersFile)}
	if err := c.users.Load(); err != nil {
		return err
	}
	switch sub {
	case "add":
		return c.add(role, set["role"], streams, set["streams"], password, stdout, stderr)
	case "passwd":
		return c.passwd(password, stdout)
	case "list":
		return c.list(stdout)
	}
	return c.remove(stdout)
}

// parseGrants reads --streams: stream names separated by commas.
func parseGrants(list, role string) ([]string, error) {
	if list == "" {
		return nil, nil
	}
	if role == httpapi.RoleAdmin {
		return nil, usageErrorf("an admin may watch every stream: drop --streams, or use --role %s", httpapi.RoleViewer)
	}
	var streams []string
	for s := range strings.SplitSeq(list, ",") {
		s = strings.TrimSpace(s)
		if err := auth.CheckStreamName(s); err != nil {
			return nil, fmt.Errorf("%w: --streams: %v", errUsage, err)
		}
		streams = append(streams, s)
	}
	return streams, nil
}

// warnUnknownStreams says which granted streams do not exist (yet): a
// typo, or a stream to add later.
func warnUnknownStreams(dataDir string, streams []string, stderr io.Writer) {
	store := &auth.StreamStore{Path: filepath.Join(dataDir, auth.StreamsFile)}
	for _, s := range streams {
		if _, err := store.Get(s); errors.Is(err, ingest.ErrUnknownStream) {
			fmt.Fprintf(stderr, "note: there is no stream %q yet (`llcast stream add %s` adds it)\n", s, s)
		}
	}
}

func readPassword(r io.Reader) (string, error) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", errors.New("no password on standard input")
	}
	return line, nil
}

// dataDirFor resolves the data directory as serve does: flag, then
// LLCAST_DATA, then the per-user default.
func dataDirFor(flagValue string) (string, error) {
	cfg := configs.Default()
	if env, err := configs.Load("", os.Environ()); err == nil {
		cfg = env
	}
	if flagValue != "" {
		cfg.Data = flagValue
	}
	return cfg.DataDir()
}

// ensureAdmin creates "admin" with a random password on first start and
// prints the password once; only its hash is stored.
func ensureAdmin(users *httpapi.UserStore, stdout io.Writer) error {
	if err := users.Load(); err != nil {
		return err
	}
	if users.Len() > 0 {
		return nil
	}
	password := rand.Text()
	if err := users.Put("admin", httpapi.RoleAdmin, password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "First start: created user \"admin\" with password %s\n", password)
	fmt.Fprintln(stdout, "It is shown only this once. Add more users with `llcast user add`.")
	return nil
}
