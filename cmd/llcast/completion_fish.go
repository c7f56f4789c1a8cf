package main

import (
	"fmt"
	"strings"
)

// fishCompletion is the script of `llcast completion fish`: fish's own
// `complete` rules, one per word, each on the condition that the command
// line so far is the node's command (__llcast_at KEY).
func fishCompletion(t completionTree) string {
	var b strings.Builder
	b.WriteString(`# fish completion for llcast, made by "llcast completion fish". Load it with
#   llcast completion fish | source
# or save it as ~/.config/fish/completions/llcast.fish.

# __llcast_words KIND KEY: the words of KIND (subs, value) after the
# command KEY ("", "user", "user add"), one a line.
function __llcast_words
    switch "$argv[1]:$argv[2]"
`)
	for _, n := range t.nodes {
		for _, kind := range []string{"subs", "value"} {
			if w := n.words(kind); len(w) > 0 {
				fmt.Fprintf(&b, "        case '%s:%s'\n            printf '%%s\\n' %s\n", kind, n.key, strings.Join(w, " "))
			}
		}
	}
	b.WriteString(`    end
end

# __llcast_key: the command and subcommand on the command line so far,
# skipping flags and their values.
function __llcast_key
    set -l words (commandline -opc)
    set -e words[1]
    set -l key ''
    set -l skip 0
    for w in $words
        if test $skip = 1
            set skip 0
            continue
        end
        switch $w
            case '-*=*'
                continue
            case '-*'
                set -l flag --(string replace -r -- '^--?' '' $w)
                if contains -- $flag (__llcast_words value "$key")
                    set skip 1
                end
                continue
        end
        if test -z "$key"
            set key $w
        else if not string match -q -- '* *' $key; and contains -- $w (__llcast_words subs "$key")
            set key "$key $w"
        end
    end
    echo $key
end

# __llcast_at KEY: is the command line at KEY?
function __llcast_at
    set -l key (__llcast_key)
    test "$key" = "$argv[1]"
end

complete -c llcast -f
`)
	for _, n := range t.nodes {
		cond := fishQuote("__llcast_at " + fishQuote(n.key))
		for _, w := range n.subs {
			fmt.Fprintf(&b, "complete -c llcast -n %s -a %s", cond, w.name)
			if w.desc != "" {
				fmt.Fprintf(&b, " -d %s", fishQuote(w.desc))
			}
			b.WriteString("\n")
		}
		for _, f := range n.flags {
			fmt.Fprintf(&b, "complete -c llcast -n %s -l %s", cond, f.name)
			switch f.value {
			case "":
			case "file":
				b.WriteString(" -r -F")
			case "dir":
				b.WriteString(" -x -a '(__fish_complete_directories (commandline -ct))'")
			default:
				b.WriteString(" -x")
			}
			if f.desc != "" {
				fmt.Fprintf(&b, " -d %s", fishQuote(f.desc))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// fishQuote quotes s for fish: in single quotes only \ and ' are special.
func fishQuote(s string) string {
	return "'" + strings.NewReplacer(`\`, `\\`, `'`, `\'`).Replace(s) + "'"
}
