#!/usr/bin/env bash
# A stand-in for agentconv's batch mode, for the benchmark harness only.
#
# usage: bench/standin.sh AGENTCONV FROM TO IN_DIR OUT_DIR [JOBS]
#
# Does what `AGENTCONV -q -f FROM -t TO -o OUT_DIR/ IN_DIR/` does in batch
# mode, with the single-file command line: one `AGENTCONV -q -f FROM -t TO
# -o OUT FILE` per input file, JOBS (default: the number of cores) at a
# time, mirroring the tree (`x.md` -> `x.json`, `x.agent.md` ->
# `x.agent.json`). It costs a process per file, so its figures say nothing
# about the batch mode's speed; bench/run.sh uses it, and says so, only
# when the built agentconv has no batch mode.
#
# FROM and TO are form names (md, json, yaml, xml), which are also the
# extensions. Exits 1 if any conversion failed.
set -eu

if [ $# -lt 5 ] || [ $# -gt 6 ]; then
    echo "usage: standin.sh AGENTCONV FROM TO IN_DIR OUT_DIR [JOBS]" >&2
    exit 2
fi
bin=$1 from=$2 to=$3 in_dir=${4%/} out_dir=${5%/}
jobs=${6:-$(nproc)}

# The output folders first (the batch mode creates them too).
(cd "$in_dir" && find . -type d -print0) |
    (cd "$(mkdir -p "$out_dir" && cd "$out_dir" && pwd)" && xargs -0 mkdir -p)

# Each xargs job converts up to 64 files in one shell, one process each.
# shellcheck disable=SC2016 # the single quotes are for the inner shell
(cd "$in_dir" && find . -type f -name "*.$from" -print0) |
    xargs -0 -n 64 -P "$jobs" bash -c '
        bin=$1 from=$2 to=$3 in_dir=$4 out_dir=$5
        shift 5
        status=0
        for f; do
            "$bin" -q -f "$from" -t "$to" -o "$out_dir/${f%."$from"}.$to" \
                "$in_dir/$f" || status=1
        done
        exit "$status"' standin "$bin" "$from" "$to" "$in_dir" "$out_dir"
