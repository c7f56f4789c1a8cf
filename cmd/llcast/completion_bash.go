package main

import (
	"fmt"
	"strings"
)

// shWords writes _llcast_words, the lookup table of the bash and zsh
// scripts (their case statements read alike): `_llcast_words KIND KEY`
// prints the words of kind KIND (completionNode.words) after the command
// KEY. It also writes the two helpers both scripts use.
func shWords(t completionTree) string {
	var b strings.Builder
	b.WriteString(`# _llcast_words KIND KEY: the words of KIND (subs, flags, value, file,
# dir) after the command KEY ("", "user", "user add").
_llcast_words() {
    case "$1:$2" in
`)
	for _, n := range t.nodes {
		for _, kind := range completionKinds() {
			if w := n.words(kind); len(w) > 0 {
				fmt.Fprintf(&b, "    '%s:%s') echo '%s' ;;\n", kind, n.key, strings.Join(w, " "))
			}
		}
	}
	b.WriteString(`    esac
}

# _llcast_has KIND KEY WORD: is WORD one of the KIND words after KEY?
_llcast_has() {
    [[ " $(_llcast_words "$1" "$2") " == *" $3 "* ]]
}

# _llcast_flag WORD: the flag WORD names, as --name (-data, --data and
# --data=x all name --data).
_llcast_flag() {
    local f=${1%%=*}
    f=${f#-}
    printf -- '--%s' "${f#-}"
}
`)
	return b.String()
}

// bashCompletion is the script of `llcast completion bash`. It needs
// bash 4.1 or later, not the bash-completion package (which only loads
// it on demand).
func bashCompletion(t completionTree) string {
	return `# bash completion for llcast, made by "llcast completion bash". Load it with
#   source <(llcast completion bash)
# or save it as ~/.local/share/bash-completion/completions/llcast.

` + shWords(t) + `
_llcast() {
    local cur=${COMP_WORDS[COMP_CWORD]} key='' flag='' skip='' w i
    COMPREPLY=()
    # What the command and subcommand are, skipping flags and their
    # values. bash splits --flag=value at '=' into three words.
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == = ]]; then
            skip=1
            continue
        fi
        if [[ -n $skip ]]; then
            skip=''
            continue
        fi
        if [[ $w == -* ]]; then
            flag=$(_llcast_flag "$w")
            if [[ $w != *=* ]] && _llcast_has value "$key" "$flag"; then
                skip=1
            fi
            continue
        fi
        if [[ -z $key ]]; then
            key=$w
        elif [[ $key != *' '* ]] && _llcast_has subs "$key" "$w"; then
            key="$key $w"
        fi
    done
    if [[ $cur == = ]]; then
        cur=''
        skip=1
    fi
    if [[ -n $skip ]]; then
        # The value of $flag.
        if _llcast_has file "$key" "$flag"; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -f -- "$cur")
        elif _llcast_has dir "$key" "$flag"; then
            compopt -o filenames 2>/dev/null
            mapfile -t COMPREPLY < <(compgen -d -- "$cur")
        fi
        return 0
    fi
    local kind=subs
    if [[ $cur == -* || -z $(_llcast_words subs "$key") ]]; then
        kind=flags
    fi
    mapfile -t COMPREPLY < <(compgen -W "$(_llcast_words "$kind" "$key")" -- "$cur")
    return 0
}

complete -F _llcast llcast
`
}
