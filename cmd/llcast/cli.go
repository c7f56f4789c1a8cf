package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
)

// version is set by the Makefile through -ldflags.
var version = "dev"

// errUsage marks a mistake on the command line (exit status 2).
var errUsage = errors.New("usage")

func exitCode(err error) int {
	if errors.Is(err, errUsage) {
		return 2
	}
	return 1
}

const mainUsage = `llcast streams your camera and microphone (or a built-in test picture),
what OBS, ffmpeg or llcast push send it, and video files, as Low-Latency
HLS that logged-in viewers watch in any browser.

Usage:
  llcast serve [flags]         start streaming and serving (q or Ctrl+C stops)
  llcast tray [flags]          the same, with an icon in the system tray
  llcast push --to URL [flags] stream from here to an llcast server elsewhere
  llcast user CMD [flags]      add, list or remove users; set a password (passwd)
  llcast stream CMD [flags]    add, list or remove streams; show or rotate publish keys
  llcast link [flags]          make, list or revoke stream links for players that cannot log in
  llcast metrics-token         print (or --rotate) the token Prometheus reads /metrics with
  llcast devices [--json]      list cameras and microphones
  llcast version               print the version

Run "llcast COMMAND --help" for the flags of a command.
`

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	err := dispatch(ctx, args, stdin, stdout, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

func dispatch(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, mainUsage)
		return fmt.Errorf("%w: no command given", errUsage)
	}
	switch args[0] {
	case "serve":
		return runServe(ctx, args[1:], serveOptions{}, stdin, stdout, stderr)
	case "tray":
		return runServe(ctx, args[1:], serveOptions{tray: true}, stdin, stdout, stderr)
	case "push":
		return runPush(ctx, args[1:], stdin, stdout, stderr)
	case "user":
		return runUser(args[1:], stdin, stdout, stderr)
	case "link":
		return runLink(args[1:], stdout, stderr)
	case "stream":
		return runStream(args[1:], streamOptions{checkFile: checkStreamFile}, stdout, stderr)
	case "metrics-token":
		return runMetricsToken(args[1:], stdout, stderr)
	case "devices":
		return runDevices(args[1:], stdout, stderr)
	case "version", "--version":
		fmt.Fprintln(stdout, "llcast", version)
		return nil
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, mainUsage)
		return nil
	}
	fmt.Fprint(stderr, mainUsage)
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

// newFlagSet returns a flag set that prints usage on stderr and returns
// errors instead of exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses and turns flag errors into usage errors; --help is not
// an error for the caller.
func parseFlags(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return flag.ErrHelp
		}
		return fmt.Errorf("%w: %v", errUsage, err)
	}
	return nil
}

func usageErrorf(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{errUsage}, args...)...)
}

// pickSubcommand returns the subcommand of command that args[0] names, one
// of subs. Without one it prints usage and returns "" with a usage error,
// or with nil for help.
func pickSubcommand(args []string, command, usage string, subs []string, stderr io.Writer) (string, error) {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") || args[0] == "help" {
		fmt.Fprint(stderr, usage)
		if len(args) > 0 && (args[0] == "--help" || args[0] == "-h" || args[0] == "-help" || args[0] == "help") {
			return "", nil
		}
		return "", usageErrorf("say what to do: `llcast %s %s`", command, strings.Join(subs, "|"))
	}
	if !slices.Contains(subs, args[0]) {
		fmt.Fprint(stderr, usage)
		return "", usageErrorf("unknown %s command %q: use %s or %s", command, args[0],
			strings.Join(subs[:len(subs)-1], ", "), subs[len(subs)-1])
	}
	return args[0], nil
}
