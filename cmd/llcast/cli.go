package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
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

// command is one `llcast` command. The table (commands) is the one list
// of them: dispatch, the main usage and the completion scripts all read it.
type command struct {
	name string
	// args follow the name in the main usage ("[flags]").
	args    string
	summary string
	run     func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error
}

// commands is the command table, in the order the main usage lists it.
func commands() []command {
	return []command{
		{"serve", "[flags]", "start streaming and serving (q or Ctrl+C stops)",
			func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
				return runServe(ctx, args, serveOptions{}, stdin, stdout, stderr)
			}},
		{"tray", "[flags]", "the same, with an icon in the system tray",
			func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
				return runServe(ctx, args, serveOptions{tray: true}, stdin, stdout, stderr)
			}},
		{"push", "--to URL [flags]", "stream from here to an llcast server elsewhere", runPush},
		{"user", "CMD [flags]", "add, list or remove users; set a password (passwd)",
			func(_ context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
				return runUser(args, stdin, stdout, stderr)
			}},
		{"stream", "CMD [flags]", "add, list or remove streams; show or rotate publish keys",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runStream(args, streamOptions{checkFile: checkStreamFile}, stdout, stderr)
			}},
		{"link", "[flags]", "make, list or revoke stream links for players that cannot log in",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runLink(args, linkOptions{lanIPs: lanIPs}, stdout, stderr)
			}},
		{"metrics-token", "[--rotate]", "print (or replace) the token Prometheus reads /metrics with",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runMetricsToken(args, stdout, stderr)
			}},
		{"devices", "[--json]", "list cameras and microphones",
			func(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runDevices(args, stdout, stderr)
			}},
		{"completion", "bash|zsh|fish", "print a shell completion script",
			func(ctx context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
				return runCompletion(ctx, args, stdout, stderr)
			}},
		{"version", "", "print the version", runVersion},
		{"help", "[COMMAND]", "this help, or a command's",
			func(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
				return runHelp(ctx, args, stdin, stdout, stderr)
			}},
	}
}

const versionUsage = `Usage: llcast version

Prints the version of this llcast: a release tag, or the commit it was
built from ("dev" when built without the Makefile).
`

func runVersion(_ context.Context, args []string, _ io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("version", versionUsage, stderr)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("unexpected argument %q: `llcast version` takes none", fs.Arg(0))
	}
	fmt.Fprintln(stdout, "llcast", version)
	return nil
}

// mainUsage is the usage of llcast itself, made from the command table.
func mainUsage() string {
	var b strings.Builder
	b.WriteString(`llcast streams your camera and microphone (or a built-in test picture),
what OBS, ffmpeg or llcast push send it, and video files, as Low-Latency
HLS that logged-in viewers watch in any browser.

Usage:
`)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, c := range commands() {
		fmt.Fprintf(tw, "  llcast %s\t%s\n", strings.TrimSpace(c.name+" "+c.args), c.summary)
	}
	_ = tw.Flush() // a strings.Builder does not fail
	b.WriteString("\nRun \"llcast COMMAND --help\" (or \"llcast help COMMAND\") for the flags of a command.\n")
	return b.String()
}

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
		fmt.Fprint(stderr, mainUsage())
		return fmt.Errorf("%w: no command given", errUsage)
	}
	name := args[0]
	switch name {
	case "--version":
		name = "version"
	case "-h", "--help", "-help":
		name = "help"
	}
	if c, ok := findCommand(name); ok {
		return c.run(ctx, args[1:], stdin, stdout, stderr)
	}
	fmt.Fprint(stderr, mainUsage())
	return fmt.Errorf("%w: unknown command %q", errUsage, args[0])
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// runHelp prints the main usage, or with a COMMAND (and its subcommand)
// what COMMAND --help prints.
func runHelp(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stdout, mainUsage())
		return nil
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprint(stderr, mainUsage())
		return usageErrorf("no command %q to help with", args[0])
	}
	return c.run(ctx, append(slices.Clip(args[1:]), "--help"), stdin, stdout, stderr)
}

// newFlagSet returns a flag set that prints usage on stderr and returns
// errors instead of exiting.
func newFlagSet(name, usage string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	if c, ok := stderr.(*flagCollector); ok {
		c.sets = append(c.sets, fs)
	}
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
	noteSubcommands(stderr, subs)
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
