package main

import (
	"context"
	"flag"
	"fmt"
	"regexp"
	"strings"
)

// completionTree is what `llcast completion` scripts complete, read off
// the command table and the flag sets the commands parse (flagCollector):
// for llcast itself, each command and each subcommand, the words that may
// follow and the flags.
type completionTree struct {
	nodes []completionNode
}

// completionNode is one place on the command line.
type completionNode struct {
	// key is the command and subcommand so far: "" (llcast itself),
	// "user", "user add".
	key   string
	subs  []completionWord
	flags []completionFlag
}

type completionWord struct{ name, desc string }

type completionFlag struct {
	name, desc string
	// value is what the flag takes, the `name` of its usage ("file",
	// "dir", "duration", …); "" for a switch (a bool flag).
	value string
}

// completionName is what a word in a script may be: the scripts write
// words unquoted.
var completionName = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

// newCompletionTree asks every command what it takes.
func newCompletionTree(ctx context.Context) (completionTree, error) {
	cmds := commands()
	root := completionNode{flags: []completionFlag{
		{name: "help", desc: "print the usage"}, {name: "version", desc: "print the version"},
	}}
	for _, c := range cmds {
		root.subs = append(root.subs, completionWord{c.name, c.summary})
	}
	t := completionTree{nodes: []completionNode{root}}
	for _, c := range cmds {
		n := completionNode{key: c.name}
		if c.name == "help" {
			// llcast help COMMAND: the commands are its words.
			n.subs = root.subs
			t.nodes = append(t.nodes, n)
			continue
		}
		fc := collectFlags(ctx, c, nil)
		n.flags = flagsOf(fc.sets)
		for _, sub := range fc.subs {
			n.subs = append(n.subs, completionWord{name: sub})
			sc := collectFlags(ctx, c, []string{sub})
			t.nodes = append(t.nodes, completionNode{key: c.name + " " + sub, flags: flagsOf(sc.sets)})
		}
		t.nodes = append(t.nodes, n)
	}
	for _, n := range t.nodes {
		for _, w := range append(strings.Fields(n.key), n.words("subs")...) {
			if !completionName.MatchString(w) {
				return t, fmt.Errorf("completion: %q in %q is not a word the scripts can hold", w, n.key)
			}
		}
		for _, f := range n.flags {
			if !completionName.MatchString(f.name) {
				return t, fmt.Errorf("completion: flag %q of %q is not a word the scripts can hold", f.name, n.key)
			}
		}
	}
	return t, nil
}

// flagsOf lists the flags of sets, and --help, which every command takes.
func flagsOf(sets []*flag.FlagSet) []completionFlag {
	var out []completionFlag
	seen := map[string]bool{}
	for _, fs := range sets {
		fs.VisitAll(func(f *flag.Flag) {
			if seen[f.Name] {
				return
			}
			seen[f.Name] = true
			value, usage := flag.UnquoteUsage(f)
			desc, _, _ := strings.Cut(usage, "\n")
			out = append(out, completionFlag{name: f.Name, desc: desc, value: value})
		})
	}
	if !seen["help"] {
		out = append(out, completionFlag{name: "help", desc: "print the usage"})
	}
	return out
}

// words lists the words of one kind that may follow n, as the scripts'
// lookup tables hold them: "subs" (subcommands), "flags" (--name),
// "value" (the flags that take a value), "file" and "dir" (those whose
// value is a file or a directory).
func (n completionNode) words(kind string) []string {
	var out []string
	if kind == "subs" {
		for _, w := range n.subs {
			out = append(out, w.name)
		}
		return out
	}
	for _, f := range n.flags {
		switch {
		case kind == "flags",
			kind == "value" && f.value != "",
			kind == f.value && (kind == "file" || kind == "dir"):
			out = append(out, "--"+f.name)
		}
	}
	return out
}

// completionKinds are the kinds of words (completionNode.words) the
// scripts look up.
func completionKinds() []string { return []string{"subs", "flags", "value", "file", "dir"} }
