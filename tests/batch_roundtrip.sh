#!/usr/bin/env bash
# The batch round trip: a whole directory of real agents converted by the
# command line, md -> F -> md for every form F that holds agents (json, yaml,
# xml), compared with the direct md -> md conversion of the same directory;
# and -j 1 against -j 2, which must give the same files and the same
# messages.
#
# usage: batch_roundtrip.sh AGENTCONV CORPUS_DIR
#
# The final md trees being equal byte for byte means equal models: the md
# writer is deterministic, so two models that differ write differently.
# A file that fails (tests/corpus has one, its front matter indented)
# fails in every direction, and so is missing from every tree alike;
# agentconv's exit status 1 is therefore accepted, any other is not.
set -eu

if [ $# -ne 2 ]; then
    echo "usage: $0 AGENTCONV CORPUS_DIR" >&2
    exit 2
fi
bin=$1
corpus=$2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-batch.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

# run NAME ARGS...: agentconv with stderr kept in $tmp/NAME.err (without the
# time of the summary line); exit status 0 or 1 is accepted.
run() {
    local name=$1
    shift
    local code=0
    "$bin" "$@" 2>"$tmp/$name.raw" || code=$?
    if [ "$code" -gt 1 ]; then
        echo "FAIL: agentconv $* exited with $code" >&2
        cat "$tmp/$name.raw" >&2
        exit 1
    fi
    sed 's/ in [0-9.]* s$//' "$tmp/$name.raw" >"$tmp/$name.err"
    tail -n 1 "$tmp/$name.err"
}

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

echo "direct: md -> md"
run direct -t md -j 2 -o "$tmp/direct/" "$corpus"
files=$(find "$tmp/direct" -type f -name '*.md' | wc -l)
if [ "$files" -lt 700 ]; then
    fail "only $files files converted from $corpus (at least 700 expected)"
fi

for form in json yaml xml; do
    echo "md -> $form -> md"
    run "to-$form" -t "$form" -j 2 -o "$tmp/$form/" "$corpus"
    n=$(find "$tmp/$form" -type f -name "*.$form" | wc -l)
    [ "$n" = "$files" ] || fail "$n .$form files, $files md files"
    run "back-$form" -t md -f "$form" -j 2 -o "$tmp/$form-md/" "$tmp/$form"
    if ! diff -r "$tmp/direct" "$tmp/$form-md" >"$tmp/$form.diff"; then
        fail "md -> $form -> md differs from md -> md:"
        head -n 40 "$tmp/$form.diff" >&2
    fi
    # A rerun changes nothing and writes nothing.
    run "rerun-$form" -t "$form" -j 2 -o "$tmp/$form/" "$corpus"
    grep -q "^agentconv: 0 converted, $files unchanged," "$tmp/rerun-$form.err" ||
        fail "a rerun to $form was not all unchanged: $(tail -n 1 "$tmp/rerun-$form.err")"
done

echo "-j 1 against -j 2"
for form in json md; do
    run "j1-$form" -t "$form" -j 1 -o "$tmp/j1-$form/" "$corpus"
    run "j2-$form" -t "$form" -j 2 -o "$tmp/j2-$form/" "$corpus"
    diff -r "$tmp/j1-$form" "$tmp/j2-$form" >/dev/null ||
        fail "-j 1 and -j 2 write different $form trees"
    cmp -s "$tmp/j1-$form.err" "$tmp/j2-$form.err" ||
        fail "-j 1 and -j 2 print different messages for $form"
done

if [ "$failures" -ne 0 ]; then
    echo "batch_roundtrip: $failures failures" >&2
    exit 1
fi
echo "batch_roundtrip: $files files, every round trip equal"
