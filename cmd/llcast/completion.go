package main

import (
	"context"
	"fmt"
	"io"
)

const completionUsage = `Usage: llcast completion bash|zsh|fish

Prints a script that completes llcast's commands, their subcommands and
their flags, with file names after the flags that take a file or a
directory. Load it into the shell you are in, or save it where the shell
finds completions, for every new one:

  bash  source <(llcast completion bash)
        llcast completion bash > ~/.local/share/bash-completion/completions/llcast
        (needs the bash-completion package)
  zsh   source <(llcast completion zsh)             (after compinit)
        llcast completion zsh > "${fpath[1]}/_llcast"
  fish  llcast completion fish | source
        llcast completion fish > ~/.config/fish/completions/llcast.fish

The scripts are made from the commands themselves: after an update of
llcast, save them again.
`

// completionShells are the shells `llcast completion` writes scripts for.
func completionShells() []string { return []string{"bash", "zsh", "fish"} }

func runCompletion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	shell, err := pickSubcommand(args, "completion", completionUsage, completionShells(), stderr)
	if shell == "" {
		return err
	}
	fs := newFlagSet("completion "+shell, completionUsage, stderr)
	if err := parseFlags(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return usageErrorf("unexpected argument %q: `llcast completion %s` takes nothing more", fs.Arg(0), shell)
	}
	tree, err := newCompletionTree(ctx)
	if err != nil {
		return err
	}
	var script string
	switch shell {
	case "bash":
		script = bashCompletion(tree)
	case "zsh":
		script = zshCompletion(tree)
	default:
		script = fishCompletion(tree)
	}
	_, err = fmt.Fprint(stdout, script)
	return err
}
