#!/usr/bin/env bash
# Run one golden case of agentconv's collections (several agents in one
# file).
#
# usage: run_collection_golden.sh [--update] COLLECTION_TOOL CASE_DIR
#
# COLLECTION_TOOL is tests/collection_tool.c built: `COLLECTION_TOOL FROM TO
# FILE` reads FILE with ac_read_file_many (FROM "auto": the form of the file
# name) and writes the agents with ac_write_many in the form TO.
#
# CASE_DIR holds exactly one input file, input.<ext> (input.json,
# input.yaml, input.yml or input.xml: the form comes from the extension),
# and the expected results. The kind of case comes from the directory it
# lives in:
#
#   golden/collections/<case>/  expected.F    stdout of
#                                             `COLLECTION_TOOL auto F input.<ext>`
#                                             for every form F: json, yaml, xml
#                               expected.warn their stderr (warnings), when
#                                             not empty
#     Every run must exit 0 and all of them must warn alike; the input must
#     be a collection (not one agent). The same run twice gives the same
#     bytes. The expected files must be fixed points: converting each
#     expected.F to each form G gives expected.G, byte for byte and with
#     nothing on stderr (3 x 3 = 9 directions).
#
#   golden/collections-reject/<case>/  expected.err  stderr of the tool
#     The run must exit 1 with nothing on stdout and exactly one stderr line
#     `input.<ext>:LINE:COL: error: MESSAGE` (`input.xml:LINE: error: ...`
#     may leave out the column), the same line for every form F.
#
# Every command runs with the case directory as its working directory; the
# comparison is byte for byte (cmp), a mismatch prints a unified diff.
#
# With --update, or AGENTCONV_UPDATE_GOLDEN=1 in the environment, the
# expected files are (re)written from what the tool does instead of being
# compared (the other checks still run; an output whose run fails is not
# written, and the case fails). To update every collection case:
#     AGENTCONV_UPDATE_GOLDEN=1 ctest --test-dir build -L collection
set -eu

update=${AGENTCONV_UPDATE_GOLDEN:-0}
[ "$update" = 1 ] || update=0
if [ "${1:-}" = --update ]; then
    update=1
    shift
fi
if [ $# -ne 2 ]; then
    echo "usage: $0 [--update] COLLECTION_TOOL CASE_DIR" >&2
    exit 2
fi

case $1 in
/*) tool=$1 ;;
*) tool=$PWD/$1 ;;
esac
dir=$2
if [ ! -x "$tool" ]; then
    echo "run_collection_golden: $tool: not an executable (build it first)" >&2
    exit 2
fi
cd "$dir"
case_name=$(basename "$PWD")
kind=$(basename "$(dirname "$PWD")")

export LC_ALL=C

tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-collection.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
    echo "FAIL [$kind/$case_name]: $*" >&2
    failures=$((failures + 1))
}

input=
for f in input.*; do
    [ -f "$f" ] || continue
    if [ -n "$input" ]; then
        echo "run_collection_golden: $PWD: more than one input.* file" >&2
        exit 2
    fi
    input=$f
done
if [ -z "$input" ]; then
    echo "run_collection_golden: $PWD: no input.* file" >&2
    exit 2
fi

# run NAME ARGS...: run the tool, leaving NAME.out, NAME.err, NAME.code in
# the temporary directory.
run() {
    local name=$1
    shift
    local code=0
    "$tool" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || code=$?
    echo "$code" >"$tmp/$name.code"
}

same() {
    if cmp -s "$1" "$2"; then
        return 0
    fi
    diff -u --label "$2 (expected)" --label "actual" "$2" "$1" >&2 || true
    return 1
}

check_or_update() {
    local actual=$1 expected=$2 optional=${3:-}
    if [ "$update" = 1 ]; then
        if [ -n "$optional" ] && [ ! -s "$actual" ]; then
            rm -f "$expected"
        elif [ ! -f "$expected" ] || ! cmp -s "$actual" "$expected"; then
            cp "$actual" "$expected"
            echo "updated $kind/$case_name/$expected"
        fi
        return 0
    fi
    if [ ! -f "$expected" ]; then
        if [ -n "$optional" ]; then
            : >"$tmp/empty"
            same "$actual" "$tmp/empty" ||
                fail "unexpected stderr (no $expected in the case)"
            return 0
        fi
        fail "$expected is missing; generate it with: $0 --update $tool $PWD"
        return 0
    fi
    same "$actual" "$expected" || fail "$expected differs"
}

forms=(json yaml xml)

column_re=":[0-9]+"
case $input in
*.xml) column_re="(:[0-9]+)?" ;;
esac
error_line_re="^${input//./\\.}:[0-9]+${column_re}: error: [^[:cntrl:]]+$"

check_valid() {
    local to ok=()
    for to in "${forms[@]}"; do
        run "$to" auto "$to" "$input"
        if [ "$(cat "$tmp/$to.code")" != 0 ]; then
            fail "collection_tool auto $to $input exited $(cat "$tmp/$to.code"), expected 0"
            cat "$tmp/$to.err" >&2
            continue
        fi
        if grep -q "one agent, not a collection" "$tmp/$to.err"; then
            fail "$input holds one agent, not a collection"
            continue
        fi
        run "$to-again" auto "$to" "$input"
        cmp -s "$tmp/$to.out" "$tmp/$to-again.out" ||
            fail "writing $input as $to twice gave different bytes"
        ok+=("$to")
    done
    [ ${#ok[@]} -gt 0 ] || return 0
    for to in "${ok[@]}"; do
        if ! cmp -s "$tmp/${ok[0]}.err" "$tmp/$to.err"; then
            fail "the warnings of ${ok[0]} and $to differ"
            diff -u "$tmp/${ok[0]}.err" "$tmp/$to.err" >&2 || true
        fi
    done
    for to in "${ok[@]}"; do
        check_or_update "$tmp/$to.out" "expected.$to"
    done
    check_or_update "$tmp/${ok[0]}.err" expected.warn optional

    local from
    for from in "${forms[@]}"; do
        [ -f "expected.$from" ] || continue
        for to in "${forms[@]}"; do
            [ -f "expected.$to" ] || continue
            run "$from-$to" "$from" "$to" "expected.$from"
            local code
            code=$(cat "$tmp/$from-$to.code")
            if [ "$code" != 0 ]; then
                fail "collection_tool $from $to expected.$from exited $code"
                cat "$tmp/$from-$to.err" >&2
                continue
            fi
            same "$tmp/$from-$to.out" "expected.$to" ||
                fail "expected.$from as $to does not give expected.$to"
            if [ -s "$tmp/$from-$to.err" ]; then
                fail "collection_tool $from $to expected.$from wrote to stderr"
                cat "$tmp/$from-$to.err" >&2
            fi
        done
    done
}

check_reject() {
    local to first=${forms[0]}
    for to in "${forms[@]}"; do
        run "$to" auto "$to" "$input"
        local code
        code=$(cat "$tmp/$to.code")
        if [ "$code" != 1 ]; then
            fail "collection_tool auto $to $input exited $code, expected 1"
            cat "$tmp/$to.err" >&2
        fi
        if [ -s "$tmp/$to.out" ]; then
            fail "collection_tool auto $to $input wrote to stdout"
            head -c 2000 "$tmp/$to.out" >&2
        fi
        local lines
        lines=$(wc -l <"$tmp/$to.err")
        if [ "$lines" != 1 ] || ! grep -Eq "$error_line_re" "$tmp/$to.err"; then
            fail "stderr of $to is not one line '$input:LINE:COL: error: MESSAGE'"
            cat "$tmp/$to.err" >&2
        fi
        if ! cmp -s "$tmp/$first.err" "$tmp/$to.err"; then
            fail "the errors of $first and $to differ"
            diff -u "$tmp/$first.err" "$tmp/$to.err" >&2 || true
        fi
    done
    if [ "$update" = 1 ] && [ "$failures" != 0 ]; then
        echo "not updating $kind/$case_name/expected.err" >&2
        return 0
    fi
    check_or_update "$tmp/$first.err" expected.err
}

case $kind in
collections) check_valid ;;
collections-reject) check_reject ;;
*)
    echo "run_collection_golden: $PWD: a case lives in golden/collections/ or golden/collections-reject/" >&2
    exit 2
    ;;
esac

if [ "$failures" != 0 ]; then
    exit 1
fi
exit 0
