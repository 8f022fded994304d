#!/usr/bin/env bash
# Run one golden case of agentconv.
#
# usage: run_golden.sh [--update] AGENTCONV CASE_DIR
#
# CASE_DIR holds exactly one input file, input.<ext>, in any form agentconv
# reads (input.md, input.json, input.yaml, input.xml; the form comes from the
# extension), and the expected results. The kind of case comes from the
# directory it lives in:
#
#   golden/valid/<case>/   expected.F     stdout of `agentconv input.<ext> -t F`
#                                         for every form F: md, json, yaml, xml
#                          expected.warn  their stderr (warnings), when not empty
#     Every run must exit 0, and all of them must warn alike. The expected
#     files must be fixed points: converting each expected.F to each form G
#     gives expected.G, byte for byte and with nothing on stderr (4 x 4 = 16
#     directions).
#
#   golden/reject/<case>/  expected.err   stderr of `agentconv input.<ext> -t F`
#     The run must exit 1 with nothing on stdout and exactly one stderr line
#     `input.<ext>:LINE:COL: error: MESSAGE` (`input.xml:LINE: error: ...`
#     may leave out the column: libxml2 gives lines only), the same line
#     for every form F (the input fails before anything is written).
#
# Every command runs with the case directory as its working directory. The
# comparison is byte for byte (cmp); a mismatch prints a unified diff.
#
# With --update, or AGENTCONV_UPDATE_GOLDEN=1 in the environment, the
# expected files are (re)written from what the program does instead of being
# compared (the checks that do not depend on them still run; an output whose
# run fails is not written, and the case fails). To update every case at
# once:
#     AGENTCONV_UPDATE_GOLDEN=1 ctest --test-dir build -L golden
# or  cmake --build build --target update-golden   (golden and cli cases)
#
# AGENTCONV_GOLDEN_FORMS (default "md json yaml xml") names the forms to
# check, for work on one form while another is unfinished; the suite is
# complete only with all four.
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
dir=$2
if [ ! -x "$bin" ]; then
    echo "run_golden: $bin: not an executable (build agentconv first)" >&2
    exit 2
fi
cd "$dir"
case_name=$(basename "$PWD")
kind=$(basename "$(dirname "$PWD")")

# Messages such as strerror() texts must not depend on the host's locale.
export LC_ALL=C

tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-golden.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

failures=0
fail() {
    echo "FAIL [$kind/$case_name]: $*" >&2
    failures=$((failures + 1))
}

# The one input file.
input=
for f in input.*; do
    [ -f "$f" ] || continue
    if [ -n "$input" ]; then
        echo "run_golden: $PWD: more than one input.* file" >&2
        exit 2
    fi
    input=$f
done
if [ -z "$input" ]; then
    echo "run_golden: $PWD: no input.* file" >&2
    exit 2
fi

# run NAME ARGS...: run agentconv, leaving NAME.out, NAME.err, NAME.code in
# the temporary directory.
run() {
    local name=$1
    shift
    local code=0
    "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" </dev/null || code=$?
    echo "$code" >"$tmp/$name.code"
}

# same ACTUAL EXPECTED: byte comparison with a diff on mismatch.
same() {
    if cmp -s "$1" "$2"; then
        return 0
    fi
    diff -u --label "$2 (expected)" --label "actual" "$2" "$1" >&2 || true
    if [ "$(tail -c 1 "$1" | od -An -c | tr -d ' ')" != \
        "$(tail -c 1 "$2" | od -An -c | tr -d ' ')" ]; then
        echo "(the last bytes differ: a missing or extra final newline?)" >&2
    fi
    return 1
}

# check_or_update ACTUAL EXPECTED_FILE [optional]: compare, or in update mode
# copy ACTUAL over EXPECTED_FILE. An optional expected file stands for empty
# output when it does not exist, and is removed in update mode when the
# output is empty.
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
        fail "$expected is missing; generate it with: $0 --update $bin $PWD"
        return 0
    fi
    same "$actual" "$expected" || fail "$expected differs"
}

forms=${AGENTCONV_GOLDEN_FORMS:-md json yaml xml}
# shellcheck disable=SC2206 # word splitting is meant
forms=($forms)
first_form=${forms[0]}

# A stderr line naming the input at a line and column (an XML input may
# name the line only).
column_re=":[0-9]+"
case $input in
*.xml) column_re="(:[0-9]+)?" ;;
esac
error_line_re="^${input//./\\.}:[0-9]+${column_re}: error: [^[:cntrl:]]+$"

check_valid() {
    local to ok=()
    for to in "${forms[@]}"; do
        run "$to" "$input" -t "$to"
        if [ "$(cat "$tmp/$to.code")" != 0 ]; then
            fail "agentconv $input -t $to exited $(cat "$tmp/$to.code"), expected 0"
            cat "$tmp/$to.err" >&2
            continue
        fi
        ok+=("$to")
    done
    [ ${#ok[@]} -gt 0 ] || return 0
    for to in "${ok[@]}"; do
        if ! cmp -s "$tmp/${ok[0]}.err" "$tmp/$to.err"; then
            fail "the warnings of -t ${ok[0]} and -t $to differ"
            diff -u --label "-t ${ok[0]}" --label "-t $to" "$tmp/${ok[0]}.err" \
                "$tmp/$to.err" >&2 || true
        fi
    done
    for to in "${ok[@]}"; do
        check_or_update "$tmp/$to.out" "expected.$to"
    done
    check_or_update "$tmp/${ok[0]}.err" expected.warn optional

    # The expected outputs are canonical: they convert to themselves, to
    # each other, and without a warning. AGENTCONV_GOLDEN_DIRECT_ONLY=1
    # leaves these 16 runs out (the memcheck.golden.* tests, where each run
    # takes a second or two under valgrind: docs/hardening.md).
    [ "${AGENTCONV_GOLDEN_DIRECT_ONLY:-0}" = 1 ] && return 0
    local from
    for from in "${forms[@]}"; do
        [ -f "expected.$from" ] || continue
        for to in "${forms[@]}"; do
            [ -f "expected.$to" ] || continue
            run "$from-$to" "expected.$from" -t "$to"
            local code
            code=$(cat "$tmp/$from-$to.code")
            if [ "$code" != 0 ]; then
                fail "agentconv expected.$from -t $to exited $code"
                cat "$tmp/$from-$to.err" >&2
                continue
            fi
            same "$tmp/$from-$to.out" "expected.$to" ||
                fail "expected.$from -t $to does not give expected.$to"
            if [ -s "$tmp/$from-$to.err" ]; then
                fail "agentconv expected.$from -t $to warned"
                cat "$tmp/$from-$to.err" >&2
            fi
        done
    done
}

check_reject() {
    local to
    for to in "${forms[@]}"; do
        run "$to" "$input" -t "$to"
        local code
        code=$(cat "$tmp/$to.code")
        if [ "$code" != 1 ]; then
            fail "agentconv $input -t $to exited $code, expected 1"
            cat "$tmp/$to.err" >&2
        fi
        if [ -s "$tmp/$to.out" ]; then
            fail "agentconv $input -t $to wrote to stdout"
            head -c 2000 "$tmp/$to.out" >&2
        fi
        local lines
        lines=$(wc -l <"$tmp/$to.err")
        if [ "$lines" != 1 ] || ! grep -Eq "$error_line_re" "$tmp/$to.err"; then
            fail "stderr of -t $to is not one line '$input:LINE:COL: error: MESSAGE'"
            cat "$tmp/$to.err" >&2
        fi
        if ! cmp -s "$tmp/$first_form.err" "$tmp/$to.err"; then
            fail "the errors of -t $first_form and -t $to differ"
            diff -u --label "-t $first_form" --label "-t $to" \
                "$tmp/$first_form.err" "$tmp/$to.err" >&2 || true
        fi
    done
    # Only a failure that looks right becomes the expected one.
    if [ "$update" = 1 ] && [ "$failures" != 0 ]; then
        echo "not updating $kind/$case_name/expected.err" >&2
        return 0
    fi
    check_or_update "$tmp/$first_form.err" expected.err
}

case $kind in
valid) check_valid ;;
reject) check_reject ;;
*)
    echo "run_golden: $PWD: a case lives in golden/valid/ or golden/reject/" >&2
    exit 2
    ;;
esac

if [ "$failures" != 0 ]; then
    exit 1
fi
exit 0
