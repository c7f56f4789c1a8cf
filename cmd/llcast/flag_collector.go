package main

import (
	"context"
	"flag"
	"io"
	"strings"
)

// flagCollector is the stderr a command is run with when the completion
// scripts ask what it takes, the way a user asks with --help:
// newFlagSet records every flag set it makes, pickSubcommand the
// subcommands it offers, and the usage they print goes nowhere. So the
// scripts complete what the commands parse, with no second list to
// keep in step.
type flagCollector struct {
	sets []*flag.FlagSet
	subs []string
}

func (c *flagCollector) Write(p []byte) (int, error) { return len(p), nil }

// noteSubcommands tells a flagCollector, if stderr is one, the
// subcommands of the command being asked.
func noteSubcommands(stderr io.Writer, subs []string) {
	if c, ok := stderr.(*flagCollector); ok {
		c.subs = subs
	}
}

// collectFlags runs c with args and a flagCollector, and returns what it
// collected. args end in --help, so commands stop at their flags.
func collectFlags(ctx context.Context, c command, args []string) *flagCollector {
	fc := &flagCollector{}
	// Asked for help, a command returns flag.ErrHelp or nil: either way
	// what matters is what it recorded.
	_ = c.run(ctx, append(args, "--help"), strings.NewReader(""), io.Discard, fc)
	return fc
}
