package main

// zshCompletion is the script of `llcast completion zsh`. It works both
// sourced (after compinit) and saved as _llcast in a directory of $fpath,
// where compinit autoloads it.
func zshCompletion(t completionTree) string {
	return `#compdef llcast
# zsh completion for llcast, made by "llcast completion zsh". Load it with
#   source <(llcast completion zsh)
# after compinit, or save it as _llcast in a directory of $fpath.

` + shWords(t) + `
_llcast() {
    local cur=${words[CURRENT]} key='' flag='' skip='' w i
    # What the command and subcommand are, skipping flags and their values.
    for (( i = 2; i < CURRENT; i++ )); do
        w=${words[i]}
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
    if [[ -z $skip && $cur == -*=* ]]; then
        flag=$(_llcast_flag "$cur")
        compset -P '*='
        skip=1
    fi
    if [[ -n $skip ]]; then
        # The value of $flag.
        if _llcast_has file "$key" "$flag"; then
            _files
        elif _llcast_has dir "$key" "$flag"; then
            _files -/
        fi
        return
    fi
    local kind=subs
    if [[ $cur == -* || -z $(_llcast_words subs "$key") ]]; then
        kind=flags
    fi
    local list=$(_llcast_words "$kind" "$key")
    compadd -- ${=list}
}

if [[ $funcstack[1] == _llcast ]]; then
    # Autoloaded from $fpath: this file is the body of _llcast.
    _llcast "$@"
else
    compdef _llcast llcast
fi
`
}
