package main

import (
	"bufio"
	"crypto/rand"
	"errors"
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

const userUsage = `Usage: llcast user add NAME [--role admin|viewer] [--streams a,b] --password-stdin [--data DIR]

Adds a user who may log in to watch, or sets a new password, role and
streams for an existing one. The password is read from standard input (one
line), so it never shows in the process list or shell history:

  echo 'a long passphrase' | llcast user add alice --password-stdin

--streams limits a viewer to those streams; without it they may watch all.
A change reaches a user who is logged in at their next login.

Flags:
`

func runUser(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "add" {
		fmt.Fprint(stderr, userUsage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h") {
			return nil
		}
		return usageErrorf("say `llcast user add NAME`")
	}
	fs := newFlagSet("user add", userUsage, stderr)
	role := fs.String("role", httpapi.RoleViewer, "admin or viewer")
	fromStdin := fs.Bool("password-stdin", false, "read the password from standard input (required)")
	streamList := fs.String("streams", "", "comma-separated `names` of the streams a viewer may watch (default: all)")
	dataFlag := fs.String("data", "", "state `dir`ectory (default: as llcast serve; LLCAST_DATA)")
	// The name comes first, flags after it: parse both orders.
	rest := args[1:]
	var name string
	if len(rest) > 0 && !strings.HasPrefix(rest[0], "-") {
		name, rest = rest[0], rest[1:]
	}
	if err := parseFlags(fs, rest); err != nil {
		return err
	}
	if name == "" && fs.NArg() > 0 {
		name = fs.Arg(0)
	}
	if name == "" {
		fs.Usage()
		return usageErrorf("missing user NAME")
	}
	if !*fromStdin {
		fs.Usage()
		return usageErrorf("pass the password on standard input with --password-stdin")
	}
	streams, err := parseGrants(*streamList, *role)
	if err != nil {
		fs.Usage()
		return err
	}
	password, err := readPassword(stdin)
	if err != nil {
		return err
	}
	dataDir, err := dataDirFor(*dataFlag)
	if err != nil {
		return err
	}
	users := &httpapi.UserStore{Path: filepath.Join(dataDir, httpapi.UsersFile)}
	if err := users.Load(); err != nil {
		return err
	}
	if err := users.Put(name, *role, password, streams...); err != nil {
		return err
	}
	what := *role
	if len(streams) > 0 {
		what += "; streams " + strings.Join(streams, ", ")
	}
	fmt.Fprintf(stdout, "user %q (%s) saved in %s\n", name, what, users.Path)
	warnUnknownStreams(dataDir, streams, stderr)
	return nil
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
