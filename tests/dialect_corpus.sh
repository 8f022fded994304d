#!/usr/bin/env bash
# The real agents of tests/corpus through every dialect T and back, three
# times: (its tool) -> T -> Claude Code -> T -> Claude Code -> T -> Claude
# Code. The first round trips may change an agent (what has no equivalent
# is reported and lost, names are made to follow Claude Code's rule, old
# tool spellings become current ones, and a coarser tool name grants all it
# grants: Copilot's "web" is fetch and search); then a round trip must
# change nothing: the Claude Code files after three round trips are those
# after two, byte for byte. A translation that is not stable fails.
#
# usage: dialect_corpus.sh AGENTCONV CORPUS_DIR
set -eu
bin=$1
corpus=$2
# thousands of small files: in memory when there is room (/dev/shm), and
# each folder removed as soon as the next pass has read it
base=${TMPDIR:-/tmp}
if [ -z "${TMPDIR:-}" ] && [ -d /dev/shm ] && [ -w /dev/shm ] &&
    [ "$(df -Pk /dev/shm | awk 'NR == 2 { print $4 }')" -gt 65536 ]; then
    base=/dev/shm
fi
tmp=$(mktemp -d "$base/agentconv-dialects.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C
failed=0
for t in copilot opencode gemini kiro; do
    # -q and no stderr: the losses and the rule violations (a prompt too
    # long for Copilot, a missing description) are the golden cases'
    # business; here only stability counts.
    run() { "$bin" -q --from-dialect "$1" --to-dialect "$2" -o "$3" "$4" 2>/dev/null || true; }
    # the first pass detects each file's tool (the corpus holds Claude
    # Code and Copilot agents)
    "$bin" -q --to-dialect "$t" -o "$tmp/$t.1/" "$corpus" 2>/dev/null || true
    run "$t" claude "$tmp/$t.back1/" "$tmp/$t.1/"
    rm -rf "$tmp/$t.1"
    run claude "$t" "$tmp/$t.2/" "$tmp/$t.back1/"
    n1=$(find "$tmp/$t.back1" -type f | wc -l)
    rm -rf "$tmp/$t.back1"
    run "$t" claude "$tmp/$t.back2/" "$tmp/$t.2/"
    rm -rf "$tmp/$t.2"
    run claude "$t" "$tmp/$t.3/" "$tmp/$t.back2/"
    run "$t" claude "$tmp/$t.back3/" "$tmp/$t.3/"
    rm -rf "$tmp/$t.3"
    n2=$(find "$tmp/$t.back3" -type f | wc -l)
    if ! diff -r "$tmp/$t.back2" "$tmp/$t.back3" >"$tmp/diff"; then
        echo "FAIL: claude -> $t -> claude is not stable:" >&2
        head -40 "$tmp/diff" >&2
        failed=1
    fi
    echo "$t: $n1 agents back in Claude Code after one round trip, $n2 after three"
    rm -rf "$tmp/$t.back2" "$tmp/$t.back3"
    [ "$n1" -gt 0 ] || failed=1
done
exit "$failed"
