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
)

const userUsage = `Usage: llcast user add NAME [--role admin|viewer] --password-stdin [--data DIR]

Adds a user who may log in to watch, or sets a new password and role for an
existing one. The password is read from standard input (one line), so it
never shows in the process list or shell history:

  echo 'a long passphrase' | llcast user add alice --password-stdin

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
	if err := users.Put(name, *role, password); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "user %q (%s) saved in %s\n", name, *role, users.Path)
	return nil
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
