#!/usr/bin/env bash
# Run one command-line case of agentconv.
#
# usage: run_cli.sh [--update] AGENTCONV CASE_DIR
#
# CASE_DIR (tests/cli/<case>/) holds:
#   cmd      one shell line, run by sh with $AGENTCONV set to the binary
#   stdin    optional: the command's standard input (else /dev/null)
#   stdout   the expected standard output
#   stderr   the expected standard error
#   exit     the expected exit status (a number and a newline)
# and any input files the command names.
#
# The command runs in a fresh temporary copy of the case directory (without
# cmd, stdin and the expected files), so it may create files (-o) without
# touching the source tree. stdout, stderr and the exit status are compared
# byte for byte (cmp); a mismatch prints a unified diff.
#
# With --update, or AGENTCONV_UPDATE_GOLDEN=1 in the environment, the
# expected files are (re)written instead. To update every case at once:
#     AGENTCONV_UPDATE_GOLDEN=1 ctest --test-dir build -L cli
# or  cmake --build build --target update-golden   (golden and cli cases)
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
if [ ! -x "$bin" ]; then
    echo "run_cli: $bin: not an executable (build agentconv first)" >&2
    exit 2
fi
cd "$2"
case_dir=$PWD
case_name=$(basename "$case_dir")
if [ ! -f cmd ]; then
    echo "run_cli: $case_dir: no cmd file" >&2
    exit 2
fi

export LC_ALL=C

tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-cli.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/work"
for f in * .[!.]*; do
    [ -e "$f" ] || continue
    case $f in
    cmd | stdin | stdout | stderr | exit) ;;
    *) cp -R -- "$f" "$tmp/work/" ;;
    esac
done

stdin=/dev/null
[ -f stdin ] && stdin=$case_dir/stdin

code=0
(cd "$tmp/work" && AGENTCONV=$bin sh -c "$(cat "$case_dir/cmd")") \
    <"$stdin" >"$tmp/stdout" 2>"$tmp/stderr" || code=$?
echo "$code" >"$tmp/exit"

if [ "$update" = 1 ]; then
    for f in stdout stderr exit; do
        if [ ! -f "$f" ] || ! cmp -s "$tmp/$f" "$f"; then
            cp "$tmp/$f" "$f"
            echo "updated cli/$case_name/$f"
        fi
    done
    exit 0
fi

failures=0
for f in exit stdout stderr; do
    if [ ! -f "$f" ]; then
        echo "FAIL [cli/$case_name]: $f is missing; generate it with: $0 --update $bin $case_dir" >&2
        failures=$((failures + 1))
    elif ! cmp -s "$tmp/$f" "$f"; then
        echo "FAIL [cli/$case_name]: $f differs (command: $(cat cmd))" >&2
        diff -u --label "$f (expected)" --label "actual" "$f" "$tmp/$f" >&2 ||
            true
        failures=$((failures + 1))
    fi
done
[ "$failures" = 0 ]
