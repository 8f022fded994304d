#!/usr/bin/env bash
# The batch mode's scheduling: a generated tree of 3,000 agents, good and
# broken, converted with -j 1, 2, 3 and 7 (one input at a time, chunks of
# inputs handed to two, three and seven threads, with a window of inputs in
# flight smaller than the tree for 2 and 3), must give the same files, the
# same messages in the same order, the same --report (but for its time) and
# the same --dry-run lines. Also: writing into a new -o folder (outputs
# written without a look first) and into an existing one give the same
# files; a rerun is all unchanged; every way of the safe write
# (AGENTCONV_TEST_SAFE_WRITE) writes the same files, leaves no temporary
# file and still refuses a file that is in the way; on a terminal
# (script(1), when it is there) the progress line is drawn while threads
# wait for a slow first input, and the run ends with the same files.
#
# usage: batch_jobs.sh AGENTCONV
set -eu

if [ $# -ne 1 ]; then
    echo "usage: $0 AGENTCONV" >&2
    exit 2
fi
bin=$1
tmp=$(mktemp -d "${TMPDIR:-/tmp}/agentconv-jobs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
export LC_ALL=C

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

# --- the tree ------------------------------------------------------------
# 30 folders of 100 files (3,000: more than the window of inputs in flight
# for -j 2 and -j 3, 1,024 and 1,536, so it wraps around), and a subfolder
# in the middle of each folder's entries (so the files after it are of the
# folder again). Every 7th file has a YAML comment (a warning), every 23rd
# a duplicate key (an error), every 31st no front matter (a README:
# skipped), every 37th an indented front matter (an error).
lib=$tmp/lib
python3 - "$lib" <<'EOF'
import os, sys
lib = sys.argv[1]
n = 0
for d in range(30):
    os.makedirs(f"{lib}/d{d:02}/m-sub")
    for i in range(100):
        n += 1
        sub = "m-sub/" if 20 <= i < 30 else ""
        path = f"{lib}/d{d:02}/{sub}agent-{i:02}.md"
        if n % 31 == 0:
            text = f"# Notes {n}\n\nNot an agent.\n"
        elif n % 37 == 0:
            text = f"  ---\nname: x{n}\n---\nBody.\n"
        elif n % 23 == 0:
            text = f"---\nname: a{n}\nname: b{n}\n---\nBody.\n"
        elif n % 7 == 0:
            text = (f"---\nname: agent-{n} # who\n"
                    'description: "a \\"quoted\\" one"\n---\n'
                    "Line one\twith a tab.\r\nLine two.\n")
        else:
            words = " ".join(str(k) for k in range(n % 200))
            text = (f"---\nname: agent-{n}\ndescription: Agent number {n}\n"
                    f"tools: [Read, Grep]\n---\n\nYou are agent {n}.\n\n"
                    f"{words}\n")
        with open(path, "w", newline="") as f:
            f.write(text)
EOF
inputs=$(find "$lib" -type f | wc -l)

# run NAME ARGS...: agentconv, stdout in NAME.out, stderr in NAME.err with
# the time of the summary line taken out, exit status in NAME.code.
run() {
    local name=$1
    shift
    local code=0
    "$bin" "$@" >"$tmp/$name.out" 2>"$tmp/$name.raw" || code=$?
    echo "$code" >"$tmp/$name.code"
    sed 's/ in [0-9.]* s$//' "$tmp/$name.raw" >"$tmp/$name.err"
}

# same A B WHAT: the files A and B are equal.
same() {
    cmp -s "$1" "$2" || {
        fail "$3"
        diff "$1" "$2" | head -n 10 >&2
    }
}

# no_seconds REPORT: the report without its time, and with the output
# folder (out-j1/, out-j2/, ...) named OUT/.
no_seconds() {
    sed -e 's/"seconds": [0-9.]*/"seconds": -/' -e 's#/out-j[0-9]*/#/OUT/#g' "$1"
}

for j in 1 2 3 7; do
    run "j$j" -t json -j "$j" -o "$tmp/out-j$j/" --report "$tmp/report-j$j.json" "$lib"
    no_seconds "$tmp/report-j$j.json" >"$tmp/report-j$j.txt"
    run "dry-j$j" -t json -j "$j" --dry-run -o "$tmp/out-j1/" "$lib"
done
[ "$(cat "$tmp/j1.code")" = 1 ] || fail "-j 1: exit $(cat "$tmp/j1.code"), expected 1 (broken inputs)"
grep -q "error: duplicate key" "$tmp/j1.err" || fail "no duplicate-key error printed"
grep -q "warning: " "$tmp/j1.err" || fail "no warning printed"
written=$(find "$tmp/out-j1" -type f -name '*.json' | wc -l)
[ "$written" -gt 2500 ] || fail "only $written outputs of $inputs inputs"
python3 -m json.tool "$tmp/report-j1.json" >/dev/null || fail "the report is not JSON"
python3 - "$tmp/report-j1.json" "$inputs" <<'EOF' || fail "the report does not list every input"
import json, sys
r = json.load(open(sys.argv[1]))
n = int(sys.argv[2])
assert r["summary"]["inputs"] == n == len(r["inputs"]), (r["summary"], n)
paths = [i["path"] for i in r["inputs"]]
assert paths == sorted(paths, key=lambda p: p.split("/")), "not in walk order"
EOF
for j in 2 3 7; do
    diff -r "$tmp/out-j1" "$tmp/out-j$j" >/dev/null || fail "-j 1 and -j $j write different trees"
    same "$tmp/j1.err" "$tmp/j$j.err" "-j 1 and -j $j print different messages"
    same "$tmp/j1.code" "$tmp/j$j.code" "-j 1 and -j $j exit differently"
    same "$tmp/report-j1.txt" "$tmp/report-j$j.txt" "-j 1 and -j $j write different reports"
    same "$tmp/dry-j1.out" "$tmp/dry-j$j.out" "-j 1 and -j $j --dry-run say different things"
    same "$tmp/dry-j1.err" "$tmp/dry-j$j.err" "-j 1 and -j $j --dry-run print different messages"
done
grep -q "^unchanged " "$tmp/dry-j1.out" || fail "--dry-run over the first tree says nothing is unchanged"

# An existing -o folder (each output looked at first) against a new one.
mkdir "$tmp/existing"
run existing -t json -j 2 -o "$tmp/existing/" "$lib"
diff -r "$tmp/out-j1" "$tmp/existing" >/dev/null || fail "an existing -o folder gets different files"
same "$tmp/j1.err" "$tmp/existing.err" "an existing -o folder gives different messages"

# A rerun: nothing written.
run rerun -t json -j 7 -o "$tmp/out-j1/" "$lib"
grep -q "^agentconv: 0 converted, $written unchanged," "$tmp/rerun.err" ||
    fail "a rerun was not all unchanged: $(tail -n 1 "$tmp/rerun.err")"

# Every way of the safe write for a new file (AGENTCONV_TEST_SAFE_WRITE,
# docs/batch.md): the default (a file without a name, O_TMPFILE, linked
# with AT_EMPTY_PATH), "proc" (linked through /proc/self/fd), "rename" (a
# named temporary file renamed without replacement), "link" (a named
# temporary file, link() and unlink()). Each writes the same files, leaves
# no temporary file, and refuses a file in the way that only the final
# link or rename finds: the folder is new when the run starts, and the file
# is made between the start and the write, while the run reads a fifo.
for way in default proc rename link; do
    AGENTCONV_TEST_SAFE_WRITE=$way run "way-$way" -t json -j 2 -o "$tmp/out-$way/" "$lib"
    diff -r "$tmp/out-j1" "$tmp/out-$way" >/dev/null || fail "the $way way writes different files"
    same "$tmp/j1.err" "$tmp/way-$way.err" "the $way way prints different messages"
    if find "$tmp/out-$way" -name '.agentconv-*' | grep -q .; then
        fail "the $way way left temporary files"
    fi
    race=$tmp/race-$way
    mkdir -p "$race/in"
    printf -- '---\nname: race\n---\nBody.\n' >"$race/in/b.md"
    mkfifo "$race/in/a.md"
    (
        exec 3>"$race/in/a.md" # opens when agentconv opens the fifo
        mkdir -p "$race/out"
        echo "not mine" >"$race/out/b.json"
        printf -- '---\nname: a\n---\nBody.\n' >&3
    ) &
    AGENTCONV_TEST_SAFE_WRITE=$way run "race-$way" -t json -j 1 -o "$race/out/" "$race/in/a.md" "$race/in/b.md"
    wait
    [ "$(cat "$race/out/b.json")" = "not mine" ] || fail "the $way way replaced a file in the way"
    grep -q '"name": "a"' "$race/out/a.json" || fail "the $way way: the agent read from a fifo was not written"
    grep -q "b.json: error: exists with other contents" "$tmp/race-$way.err" ||
        fail "the $way way did not report the file in the way: $(cat "$tmp/race-$way.err")"
    [ "$(cat "$tmp/race-$way.code")" = 1 ] ||
        fail "the $way way, a file in the way: exit $(cat "$tmp/race-$way.code"), expected 1"
    if find "$race/out" -name '.agentconv-*' | grep -q .; then
        fail "the $way way left a temporary file after a refusal"
    fi
done

# The progress line, on a terminal (script(1) gives one): the first input
# is a fifo fed after a second, so the other threads fill the window and
# wait, drawing the progress line while they do; the run must end with the
# same files as -j 1 and the line cleared.
if command -v script >/dev/null 2>&1; then
    mkdir -p "$tmp/slow"
    mkfifo "$tmp/slow/first.md"
    (
        sleep 1
        printf -- '---\nname: first\n---\nBody.\n' >"$tmp/slow/first.md"
    ) &
    code=0
    script -qec "'$bin' -t json -j 3 -o '$tmp/out-tty/' '$tmp/slow/first.md' '$lib'" \
        /dev/null >"$tmp/tty.txt" 2>&1 </dev/null || code=$?
    wait
    [ "$code" = 1 ] || fail "on a terminal: exit $code, expected 1"
    grep -q "files/s" "$tmp/tty.txt" || fail "on a terminal: no progress line drawn"
    grep -q "^agentconv: .* converted" "$tmp/tty.txt" || fail "on a terminal: no summary"
    [ -f "$tmp/out-tty/first.json" ] || fail "on a terminal: the fifo's agent was not written"
    rm -f "$tmp/out-tty/first.json"
    diff -r "$tmp/out-j1" "$tmp/out-tty" >/dev/null || fail "on a terminal: different files"
fi

if [ "$failures" -ne 0 ]; then
    echo "batch_jobs: $failures failures" >&2
    exit 1
fi
echo "batch_jobs: $inputs inputs, -j 1, 2, 3 and 7 alike"
