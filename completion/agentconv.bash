# bash completion for agentconv(1). SPDX-License-Identifier: MIT
#
# Installed as share/bash-completion/completions/agentconv (bash-completion
# loads it on first use), or source it from ~/.bashrc. It needs nothing
# from bash-completion itself.
#
# Nothing here is a copy of the tool's options: they are read from
# `agentconv --help` (the option lines: "  -t, --to FORMAT"), and the form
# names from `agentconv --list-formats` (readable ones for -f, writable ones
# for -t), each time, from the agentconv being completed. So a new option
# or a new form is completed as soon as the tool has it. An option's
# argument is completed from its name in the help: FORMAT with the forms,
# PATH, FILE and DIR with file names, anything else (N, GLOB, NAME) with
# nothing. Other words are options after a '-', file names otherwise.
# The test completion.bash (tests/check_completion.sh) checks all of it.

# The option lines of the help (2 to 8 spaces, then the option; the lines
# that continue a description are indented further), as "SHORT LONG ARG"
# (SHORT and ARG "-" when there are none), one per line.
_agentconv_options()
{
    local line short long arg
    "$1" --help 2>/dev/null | while IFS= read -r line; do
        [[ $line =~ ^\ {2,8}(-([A-Za-z0-9]),\ )?--([a-z][a-z0-9-]*)(\ ([A-Z]+))? ]] ||
            continue
        short=${BASH_REMATCH[2]:--}
        long=${BASH_REMATCH[3]}
        arg=${BASH_REMATCH[5]:--}
        printf '%s %s %s\n' "$short" "$long" "$arg"
    done
}

# The forms agentconv can read ($2 = 2) or write ($2 = 3), from the columns
# NAME READ WRITE of --list-formats.
_agentconv_forms()
{
    "$1" --list-formats 2>/dev/null | awk -v col="$2" \
        'NR > 1 && $col == "yes" { print $1 }'
}

_agentconv()
{
    local cur=${COMP_WORDS[COMP_CWORD]}
    local prev=
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    local cmd=${COMP_WORDS[0]}
    cmd=${cmd/#\~/$HOME}
    COMPREPLY=()

    # "--to=js": bash splits it at '=' into "--to" "=" "js" (or "--to" "="
    # right after the '='); without '=' in COMP_WORDBREAKS it stays one
    # word.
    local option= value=
    if [[ $cur == --*=* ]]; then
        option=${cur%%=*}
        value=${cur#*=}
    elif [[ $cur == = && $prev == --* ]]; then
        option=$prev
    elif [[ $prev == = ]] && ((COMP_CWORD > 1)) &&
        [[ ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
        option=${COMP_WORDS[COMP_CWORD - 2]}
        value=$cur
    fi

    local options
    options=$(_agentconv_options "$cmd")

    # The option whose argument this word is, if any.
    local short long arg wanted=
    if [[ -z $option && $prev == -* && $prev != -- ]]; then
        option=$prev
        value=$cur
    fi
    if [[ -n $option ]]; then
        while read -r short long arg; do
            if [[ $option == "--$long" || $option == "-$short" ]]; then
                wanted=$arg
                break
            fi
        done <<<"$options"
        if [[ -n $wanted && $wanted != - ]]; then
            case $wanted in
            FORMAT)
                local col=3
                [[ $option == --from || $option == -f ]] && col=2
                local forms
                forms=$(_agentconv_forms "$cmd" "$col")
                mapfile -t COMPREPLY < <(compgen -W "$forms" -- "$value")
                ;;
            NAME)
                # --from-dialect, --to-dialect: the tools of --list-dialects
                if [[ $option == --from-dialect || $option == --to-dialect ]]; then
                    local names
                    names="none $("$cmd" --list-dialects 2>/dev/null |
                        awk 'NR > 1 { print $1 }')"
                    mapfile -t COMPREPLY < <(compgen -W "$names" -- "$value")
                fi
                ;;
            PATH | FILE | DIR)
                compopt -o filenames 2>/dev/null
                mapfile -t COMPREPLY < <(compgen -f -- "$value")
                ;;
            esac
            # One word "--to=js": the replies replace the whole word.
            if [[ $cur == --*=* ]]; then
                local i
                for i in "${!COMPREPLY[@]}"; do
                    COMPREPLY[i]=$option=${COMPREPLY[i]}
                done
            fi
            return 0
        fi
    fi

    if [[ $cur == -* ]]; then
        local words=()
        while read -r short long arg; do
            [[ -n $long ]] || continue
            words+=("--$long")
            [[ $short != - ]] && words+=("-$short")
        done <<<"$options"
        mapfile -t COMPREPLY < <(compgen -W "${words[*]}" -- "$cur")
        return 0
    fi

    compopt -o filenames 2>/dev/null
    mapfile -t COMPREPLY < <(compgen -f -- "$cur")
    return 0
}

complete -F _agentconv agentconv
