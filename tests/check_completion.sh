#!/usr/bin/env bash
# completion.bash: completion/agentconv.bash, sourced in a bash without
# bash-completion, completes what the built agentconv has: every long (and
# short) option of `agentconv --help`, the forms of --list-formats after
# -t/--to (writable ones) and -f/--from (readable ones), file names after
# -o and for the inputs, nothing after -j. COMP_WORDS and COMP_CWORD are
# set as bash sets them, and _agentconv is called directly.
#
# usage: tests/check_completion.sh AGENTCONV COMPLETION-SCRIPT
set -uo pipefail

agentconv=$(cd "$(dirname "$1")" && pwd)/$(basename "$1")
script=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failures=0

# shellcheck source=/dev/null
source "$script" || {
    echo "FAIL: sourcing $script failed"
    exit 1
}
if ! complete -p agentconv | grep -q -- '-F _agentconv'; then
    echo "FAIL: $script does not register _agentconv for agentconv"
    exit 1
fi

# complete WORD... : the replies, sorted, one per line, for the last WORD
# (give "" to complete an empty word).
complete_words() {
    COMP_WORDS=("$agentconv" "$@")
    COMP_CWORD=$#
    COMPREPLY=()
    _agentconv
    if [ ${#COMPREPLY[@]} -gt 0 ]; then
        printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
    fi
}

# expect "what" "expected replies, one per line" WORD...
expect() {
    local what=$1 expected=$2
    shift 2
    local got
    got=$(complete_words "$@")
    expected=$(printf '%s' "$expected" | LC_ALL=C sort)
    if [ "$got" != "$expected" ]; then
        echo "FAIL: $what: completing '$*'"
        diff <(printf '%s\n' "$expected") <(printf '%s\n' "$got") |
            sed 's/^/    /'
        failures=$((failures + 1))
    fi
}

# The truth, read here independently of the script: option lines of the
# help ("  -t, --to FORMAT", "      --force"), forms of --list-formats.
help=$("$agentconv" --help)
long=$(printf '%s\n' "$help" |
    sed -nE 's/^ {2,8}(-[A-Za-z0-9], )?(--[a-z][a-z0-9-]*).*/\2/p' |
    LC_ALL=C sort)
short=$(printf '%s\n' "$help" |
    sed -nE 's/^ {2,8}(-[A-Za-z0-9]), --.*/\1/p' | LC_ALL=C sort)
writable=$("$agentconv" --list-formats | awk 'NR > 1 && $3 == "yes" { print $1 }')
readable=$("$agentconv" --list-formats | awk 'NR > 1 && $2 == "yes" { print $1 }')
for name in --to --from --output --check --help --version --list-formats; do
    if ! grep -qx -- "$name" <<<"$long"; then
        echo "FAIL: the help parsed here has no $name: the parsing is wrong"
        exit 1
    fi
done
for form in md json yaml xml; do
    grep -qx "$form" <<<"$readable" && grep -qx "$form" <<<"$writable" || {
        echo "FAIL: --list-formats parsed here lacks $form"
        exit 1
    }
done

# Options: every long option of the help after "--", and only those;
# "-" gives the short ones too.
expect "long options" "$long" --
expect "all options" "$(printf '%s\n%s\n' "$long" "$short")" -
expect "a prefix" "--from
--from-dialect" --fr
expect "one option" "--split" --spl

# Forms: -t and --to the writable ones, -f and --from the readable ones.
expect "-t" "$writable" -t ""
expect "--to" "$writable" --to ""
expect "-f" "$readable" -f ""
expect "--from" "$readable" --from ""
expect "--to y" "yaml" --to y
expect "--to-dialect" "none
claude
copilot
opencode
gemini
kiro" --to-dialect ""
expect "--from-dialect k" "kiro" --from-dialect k
expect "-f h (html is write-only)" "" -f h
expect "-t h" "html" -t h
# "--to=y": bash splits at '=' ("--to" "=" "y"); without '=' in
# COMP_WORDBREAKS it is one word and the replies carry the option.
expect "--to = y" "yaml" --to = y
expect "--to =" "$writable" --to =
expect "--to=y as one word" "--to=yaml" --to=y

# Files: inputs, -o, --report; nothing after -j (a number).
mkdir "$tmp/work" "$tmp/work/sub"
touch "$tmp/work/agent.md" "$tmp/work/agent.json" "$tmp/work/notes.txt"
cd "$tmp/work" || exit 1
expect "input files" "agent.json
agent.md" ag
expect "input after options" "agent.json
agent.md" -t json -q ag
expect "a folder" "sub" -t json s
expect "-o" "notes.txt" -t json -o no
expect "--report" "sub" --report s
expect "-j" "" -j ""
expect "--jobs" "" --jobs ""

if [ $failures -ne 0 ]; then
    echo "FAIL: $failures completion checks"
    exit 1
fi
echo "completion.bash: ok ($(wc -l <<<"$long") long options, forms" \
    "$(echo $writable))"
