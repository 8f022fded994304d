#!/usr/bin/env bash
# example.edit: examples/edit.c sets the model of the reference agent and
# writes it as yaml; read back to md by the command line, the result is the
# reference (canonical md, golden.reference.canonical) with only its model
# line changed.
#
# usage: tests/check_example_edit.sh EDIT AGENTCONV REFERENCE.md
set -euo pipefail

edit=$1 agentconv=$2 reference=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

model=claude-test-model-7
grep -q '^model: ' "$reference" || {
    echo "FAIL: $reference has no model line to change" >&2
    exit 1
}
grep -q "^model: $model\$" "$reference" && {
    echo "FAIL: $reference already has model $model" >&2
    exit 1
}
sed "s/^model: .*/model: $model/" "$reference" >"$tmp/expected.md"

"$edit" "$reference" "$model" yaml >"$tmp/edited.yaml"
grep -qx "model: $model" "$tmp/edited.yaml" || {
    echo "FAIL: the yaml output has no line 'model: $model'" >&2
    exit 1
}
"$agentconv" -f yaml -t md - <"$tmp/edited.yaml" >"$tmp/edited.md"
if ! diff -u "$tmp/expected.md" "$tmp/edited.md"; then
    echo "FAIL: edit's output differs from the reference with a new model" >&2
    exit 1
fi

# A form that cannot be written is a usage error (exit 2), and nothing is
# printed on standard output.
status=0
"$edit" "$reference" "$model" no-such-form >"$tmp/out" 2>"$tmp/err" || status=$?
if [ "$status" != 2 ] || [ -s "$tmp/out" ]; then
    echo "FAIL: an unknown form gave exit $status (expected 2)" >&2
    exit 1
fi
echo "example.edit: ok"
