#!/usr/bin/env bash
# Run one dialect golden case of agentconv.
#
# usage: run_dialect_golden.sh [--update] AGENTCONV CASE_DIR
#
# CASE_DIR (golden/dialects/<case>/) holds one input, input.<ext>, written
# for the tool named in the file `from` (claude, copilot, opencode, gemini,
# kiro), and for every dialect T that `agentconv --list-dialects` lists:
#
#   expected.T.<form>  stdout of `agentconv --from-dialect F --to-dialect T
#                      input.<ext>` (<form>: T's form, md or json), when the
#                      run succeeds (exit 0)
#   expected.T.err     its stderr: the warnings, or the error (then the run
#                      must exit 1 and write nothing); absent when empty
#
# So every case checks one dialect against every dialect, itself included
# (a copy, no warning), and the cases together check every pair. Each
# output that succeeded is also translated back to F, and must give the
# same fields for everything it did not report (the round trip is in
# expected.T.back.<form of F>, warnings in expected.T.back.err).
#
# With --update, or AGENTCONV_UPDATE_GOLDEN=1 in the environment, the
# expected files are rewritten instead of compared.
set -eu

update=${AGENTCONV_UPDATE_GOLDEN:-0}
[ "$update" = 1 ] || update=0
if [ "${1:-}" = --update ]; then
    update=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--update] AGENTCONV CASE_DIR" >&2
    exit 2
fi
case $1 in
/*) bin=$1 ;;
*) bin=$PWD/$1 ;;
esac
cd "$2"
export LC_ALL=C
from=$(cat from)
input=$(ls input.* | head -n 1)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-dialect.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
failed=0

# form_of DIALECT: the form column of --list-dialects
form_of() {
    "$bin" --list-dialects | awk -v d="$1" '$1 == d { print $(NF - 1) }'
}

# check NAME ACTUAL: compare (or update) one expected file; an empty
# actual means the expected file must not exist.
check() {
    local name=$1 actual=$2
    if [ "$update" = 1 ]; then
        if [ -s "$actual" ]; then
            if ! cmp -s "$actual" "$name"; then
                cp "$actual" "$name"
                echo "updated $(basename "$PWD")/$name"
            fi
        elif [ -e "$name" ]; then
            rm -f "$name"
            echo "removed $(basename "$PWD")/$name"
        fi
        return
    fi
    if [ -s "$actual" ]; then
        if ! cmp -s "$name" "$actual"; then
            echo "FAIL: $name differs:" >&2
            diff -u "$name" "$actual" >&2 || true
            failed=1
        fi
    elif [ -e "$name" ]; then
        echo "FAIL: $name expected, but the run printed nothing" >&2
        failed=1
    fi
}

from_form=$(form_of "$from")
for to in $("$bin" --list-dialects | awk 'NR > 1 { print $1 }'); do
    form=$(form_of "$to")
    code=0
    "$bin" --from-dialect "$from" --to-dialect "$to" "$input" \
        >"$tmp/out" 2>"$tmp/err" || code=$?
    if [ "$code" -ne 0 ] && [ "$code" -ne 1 ]; then
        echo "FAIL: $from -> $to exited $code" >&2
        failed=1
    fi
    if [ "$code" -eq 1 ] && [ -s "$tmp/out" ]; then
        echo "FAIL: $from -> $to failed but wrote to stdout" >&2
        failed=1
    fi
    check "expected.$to.$form" "$tmp/out"
    check "expected.$to.err" "$tmp/err"
    [ "$code" -eq 0 ] || continue
    # and back
    cp "$tmp/out" "$tmp/input.$form"
    code=0
    (cd "$tmp" && "$bin" --from-dialect "$to" --to-dialect "$from" \
        "input.$form") >"$tmp/back" 2>"$tmp/backerr" || code=$?
    check "expected.$to.back.$from_form" "$tmp/back"
    check "expected.$to.back.err" "$tmp/backerr"
    if [ "$to" = "$from" ] && [ "$code" -eq 0 ] &&
        ! cmp -s "$tmp/out" "$input" && [ "$from_form" = md ]; then
        # a copy within one dialect changes nothing but the layout of the
        # syntax: compare through json
        "$bin" "$tmp/out" -t json >"$tmp/a.json"
        "$bin" "$input" -t json >"$tmp/b.json"
        if ! cmp -s "$tmp/a.json" "$tmp/b.json"; then
            echo "FAIL: $from -> $from changed the agent" >&2
            failed=1
        fi
    fi
done
exit "$failed"
