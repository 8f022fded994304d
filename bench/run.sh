#!/usr/bin/env bash
# The agentconv benchmark: one command, all figures side by side.
#
# usage: bench/run.sh [-r ROUNDS] [-j JOBS] [-b BIG] [-k] [-s] [CORPUS_DIR] [N]
#
#   CORPUS_DIR  real agent files to build the library from (default:
#               ../shared/corpus beside the repository if it is there, else
#               tests/corpus)
#   N           files in the library (default 10000)
#   -r ROUNDS   rounds of every command (default 5); the medians are quoted
#   -j JOBS     pass -j JOBS to agentconv (default: none, so its default,
#               the number of cores); the "-j 1" row always uses 1
#   -b BIG      size of a second library, on which agentconv md -> json is
#               run once to check that its peak memory does not grow with
#               the library (default 3 x N; 0 skips it)
#   -k          keep the work folder (printed) instead of removing it
#   -s          measure agentconv with bench/standin.sh (a process per
#               file) even if the built agentconv has a batch mode
#
# What it does, in order:
#   1. installs what is missing: the Debian packages of the build, `time`
#      (GNU time, for the peak memory), python3-yaml (the PyYAML baseline,
#      run with Debian's /usr/bin/python3), Node.js and npm if there is no
#      `node`; then `npm ci` in bench/ (gray-matter) if it has not run;
#   2. builds agentconv in Release mode in build-bench/ (or
#      $AGENTCONV_BENCH_BUILD);
#   3. makes a work folder in /dev/shm (or $AGENTCONV_BENCH_TMP): memory,
#      so that no command waits on disk write-back, which swings timings of
#      thousands of small files 3x on this kind of machine;
#   4. builds the library there with bench/make-library.py, and the json,
#      yaml, xml and md trees that the "back" directions read, with
#      agentconv (untimed), checking each tree;
#   5. times every command ROUNDS times, alternating: each round runs all of
#      them in a fixed cycle, each round starting one command further along
#      it, so that no command always runs first, on a machine just idle. Each
#      run writes into a fresh output folder in the work folder, which is
#      removed (untimed) before the next. Wall time is read from bash's
#      $EPOCHREALTIME around the command; peak memory is the "Maximum
#      resident set size" that `/usr/bin/time -v` reports, and CPU time
#      its user + system time;
#   6. checks every run's output: the file count each round; in round 1,
#      agentconv's outputs are byte-identical to the untimed reference
#      trees (so -j 1 and the default -j agree, and json, yaml and xml all
#      give the same md back), and both baselines wrote a file for every
#      input with the same keys as agentconv's json;
#   7. prints the table (medians), the ratios and PASS/FAIL for each target
#      of issue 5 (bench/summarize.py).
#
# Exit status: 0 when every target passes, 1 when one fails, 2 on a usage
# error, 3 when a command failed or an output was wrong.
set -euo pipefail
export LC_ALL=C # $EPOCHREALTIME with a decimal point, plain sort order

usage() {
    sed -n '3,18p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

rounds=5 jobs='' big='' keep=0 stand_in=0
while getopts r:j:b:ksh opt; do
    case $opt in
    r) rounds=$OPTARG ;;
    j) jobs=$OPTARG ;;
    b) big=$OPTARG ;;
    k) keep=1 ;;
    s) stand_in=1 ;;
    *) usage ;;
    esac
done
shift $((OPTIND - 1))
[ $# -le 2 ] || usage

root=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -ge 1 ]; then
    corpus=$1
elif [ -d "$root/../shared/corpus" ]; then
    corpus=$root/../shared/corpus
else
    corpus=$root/tests/corpus
fi
count=${2:-10000}
big=${big:-$((count * 3))}
for n in "$rounds" "$count" "$big" ${jobs:+"$jobs"}; do
    case $n in '' | *[!0-9]*) usage ;; esac
done
if [ "$rounds" -lt 1 ] || [ "$count" -lt 1 ]; then usage; fi
[ -d "$corpus" ] || { echo "run.sh: no such folder: $corpus" >&2; exit 2; }
corpus=$(cd "$corpus" && pwd)

say() { echo "run.sh: $*" >&2; }

# --- 1. what the benchmark needs ------------------------------------------
extra=(time python3-yaml)
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 ||
    extra+=(nodejs npm)
"$root/scripts/install-deps.sh" "${extra[@]}"
py=/usr/bin/python3 # Debian's, with Debian's python3-yaml
"$py" -c 'import yaml; yaml.CSafeLoader' 2>/dev/null || {
    say "$py has no PyYAML with the C loader: install python3-yaml"
    exit 3
}
if [ ! -f "$root/bench/node_modules/gray-matter/package.json" ]; then
    say "installing gray-matter (npm ci in bench/)"
    (cd "$root/bench" && npm ci --no-audit --no-fund >&2)
fi

# --- 2. agentconv, Release ------------------------------------------------
build=${AGENTCONV_BENCH_BUILD:-$root/build-bench}
load_before=$(cut -d ' ' -f 1-3 /proc/loadavg)
say "building agentconv (Release) in $build"
mkdir -p "$build"
if ! { cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DAGENTCONV_TESTS=OFF && cmake --build "$build" -j "$(nproc)" \
    --target agentconv_cli; } >"$build/bench-build.log" 2>&1; then
    tail -n 30 "$build/bench-build.log" >&2
    say "the build failed (log: $build/bench-build.log)"
    exit 3
fi
bin=$build/agentconv

# --- 3. the work folder ---------------------------------------------------
base=${AGENTCONV_BENCH_TMP:-/dev/shm}
if [ ! -d "$base" ] || [ ! -w "$base" ]; then
    say "$base is not a writable folder; set AGENTCONV_BENCH_TMP"
    exit 3
fi
work=$(mktemp -d "$base/agentconv-bench.XXXXXX")
if [ "$keep" = 1 ]; then
    say "work folder (kept): $work"
else
    trap 'rm -rf "$work"' EXIT
fi
results=$work/results.tsv
: >"$results"
problems=0

# --- 4. the library and the reference trees --------------------------------
lib=$work/lib
say "making a library of $count files from $corpus"
"$py" "$root/bench/make-library.py" --count "$count" --agentconv "$bin" \
    "$corpus" "$lib"

# Does this agentconv have the batch mode? Convert a folder of one file.
mode='batch'
mkdir -p "$work/probe/in/sub"
cp "$(find "$lib" -type f -name '*.md' | head -n 1)" "$work/probe/in/sub/"
if [ "$stand_in" = 1 ] ||
    ! "$bin" -q -t json -o "$work/probe/out/" "$work/probe/in/" >/dev/null 2>&1 ||
    [ -z "$(find "$work/probe/out" -name '*.json' 2>/dev/null)" ]; then
    mode=stand-in
    say "STAND-IN: agentconv is measured with bench/standin.sh, one process" \
        "per file, not with its batch mode ($([ "$stand_in" = 1 ] &&
            echo "-s was given" || echo "this build has no batch mode"))"
fi
rm -rf "$work/probe"

# ac_cmd FROM TO IN OUT [JOBS]: set cmd to agentconv converting the tree IN
# into OUT.
ac_cmd() {
    if [ "$mode" = batch ]; then
        cmd=("$bin" -q -f "$1" -t "$2" ${5:+-j "$5"} -o "$4/" "$3/")
    else
        cmd=("$root/bench/standin.sh" "$bin" "$1" "$2" "$3" "$4" ${5:+"$5"})
    fi
}

# command_for KEY OUT: set cmd to the command that KEY names, writing OUT.
command_for() {
    case $1 in
    cp) cmd=(cp -r "$lib" "$2") ;;
    ac-md-json) ac_cmd md json "$lib" "$2" "$jobs" ;;
    ac-md-json-j1) ac_cmd md json "$lib" "$2" 1 ;;
    ac-md-json-big) ac_cmd md json "$work/big" "$2" "$jobs" ;;
    ac-md-yaml) ac_cmd md yaml "$lib" "$2" "$jobs" ;;
    ac-md-xml) ac_cmd md xml "$lib" "$2" "$jobs" ;;
    ac-json-md) ac_cmd json md "$work/ref-json" "$2" "$jobs" ;;
    ac-yaml-md) ac_cmd yaml md "$work/ref-yaml" "$2" "$jobs" ;;
    ac-xml-md) ac_cmd xml md "$work/ref-xml" "$2" "$jobs" ;;
    graymatter) cmd=(node "$root/bench/graymatter.js" "$lib" "$2") ;;
    pyyaml) cmd=("$py" "$root/bench/pyyaml.py" "$lib" "$2") ;;
    *) say "unknown command key $1"; exit 3 ;;
    esac
}

# check OK_OR_NOT TEXT: count a problem unless OK_OR_NOT is 0.
check() {
    if [ "$1" != 0 ]; then
        say "CHECK FAILED: $2"
        problems=$((problems + 1))
    fi
}

# count_is DIR N WHAT: the tree DIR holds exactly N files.
count_is() {
    local n
    n=$(find "$1" -type f | wc -l)
    check "$([ "$n" = "$2" ]; echo $?)" "$3: $n files, expected $2"
}

# same_tree A B WHAT: the trees A and B are byte-identical.
same_tree() {
    local st=0
    diff -rq "$1" "$2" >"$work/diff.txt" 2>&1 || st=$?
    check "$st" "$3: $(head -n 3 "$work/diff.txt" | tr '\n' ' ')"
}

# verify ARGS...: bench/verify.py with its one-line verdict on stderr.
verify() {
    local st=0
    "$py" "$root/bench/verify.py" "$@" >"$work/verify.txt" || st=$?
    if [ "$st" = 0 ]; then
        say "$(cat "$work/verify.txt")"
    else
        check "$st" "$(cat "$work/verify.txt")"
    fi
}

# untimed FROM TO IN OUT: a conversion that makes a reference tree.
untimed() {
    ac_cmd "$1" "$2" "$3" "$4" "$jobs"
    "${cmd[@]}" || { say "agentconv $1 -> $2 failed"; exit 3; }
    count_is "$4" "$count" "agentconv $1 -> $2"
}

say "making the reference trees (json, yaml, xml, md) with agentconv"
for form in json yaml xml; do
    untimed md "$form" "$lib" "$work/ref-$form"
    verify names "$form" "$work/ref-$form"
done
untimed json md "$work/ref-json" "$work/ref-md"
verify names md "$work/ref-md"
# The model survives md -> json -> md -> json.
untimed md json "$work/ref-md" "$work/ref-json2"
same_tree "$work/ref-json" "$work/ref-json2" "md -> json -> md -> json differs from md -> json"
rm -rf "$work/ref-json2"

# --- 5. the timed runs -----------------------------------------------------
# timed ROUND KEY: run KEY once into a fresh folder, record its wall time
# (microseconds from $EPOCHREALTIME) and peak memory, check its output.
timed() {
    local round=$1 key=$2 out=$work/out t0 t1 us rss cpu
    rm -rf "$out"
    command_for "$key" "$out"
    t0=${EPOCHREALTIME/./}
    if ! /usr/bin/time -v -o "$work/time.txt" "${cmd[@]}" >"$work/run.log" 2>&1; then
        tail -n 20 "$work/run.log" >&2
        say "$key failed: ${cmd[*]}"
        exit 3
    fi
    t1=${EPOCHREALTIME/./}
    us=$((t1 - t0))
    rss=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/time.txt")
    cpu=$(awk -F': ' '/^[[:space:]]*(User|System) time \(seconds\)/ { t += $2 }
        END { printf "%.2f", t }' "$work/time.txt")
    printf '%s\t%s\t%d.%06d\t%s\t%s\n' "$round" "$key" $((us / 1000000)) \
        $((us % 1000000)) "$rss" "$cpu" >>"$results"

    local n=$count
    [ "$key" != ac-md-json-big ] || n=$big
    count_is "$out" "$n" "$key (round $round)"
    if [ "$round" = 1 ]; then
        case $key in
        ac-md-json | ac-md-json-j1) same_tree "$work/ref-json" "$out" "$key" ;;
        ac-md-yaml) same_tree "$work/ref-yaml" "$out" "$key" ;;
        ac-md-xml) same_tree "$work/ref-xml" "$out" "$key" ;;
        ac-json-md | ac-yaml-md | ac-xml-md) same_tree "$work/ref-md" "$out" "$key" ;;
        graymatter | pyyaml) verify keys "$work/ref-json" "$out" ;;
        esac
    fi
    rm -rf "$out"
}

keys=(ac-md-json ac-md-json-j1 ac-md-yaml ac-md-xml ac-json-md ac-yaml-md
    ac-xml-md graymatter pyyaml cp)
for ((r = 1; r <= rounds; r++)); do
    say "round $r of $rounds"
    for ((i = 0; i < ${#keys[@]}; i++)); do
        timed "$r" "${keys[(i + r - 1) % ${#keys[@]}]}"
    done
done

if [ "$big" -gt 0 ]; then
    say "peak memory on a library of $big files"
    "$py" "$root/bench/make-library.py" --count "$big" "$corpus" "$work/big"
    timed 0 ac-md-json-big
    rm -rf "$work/big"
fi

# --- 7. the report -----------------------------------------------------------
cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
mem=$(awk '/^MemTotal:/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)
gm=$(cd "$root/bench" && node -p 'require("gray-matter/package.json").version')
pyv=$("$py" -c 'import platform, yaml; print("Python %s, PyYAML %s (libyaml %s)" %
    (platform.python_version(), yaml.__version__, yaml.__with_libyaml__))')
size=$(du -sb "$lib" | awk '{ printf "%.1f", $1 / 1e6 }')
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $cpu, $mem of memory; work folder on $(stat -f -c %T "$work") ($base)"
echo "agentconv: $("$bin" --version | head -n 1), $(git -C "$root" describe --always --dirty 2>/dev/null || echo '?'), Release build, $mode${jobs:+, -j $jobs}"
echo "baselines: Node.js $(node --version) with gray-matter $gm; $pyv; $(cp --version | head -n 1)"
echo "library: $count files (${size} MB) from $corpus"
echo "load average (1, 5, 15 min): $load_before before, $(cut -d ' ' -f 1-3 /proc/loadavg) after"
echo "checks: $([ "$problems" = 0 ] && echo "all outputs as expected" || echo "$problems FAILED (see above)")"
echo
status=0
flags=()
[ "$mode" = batch ] || flags=(--stand-in)
"$py" "$root/bench/summarize.py" "$results" "$count" "$big" ${flags[@]+"${flags[@]}"} ||
    status=$?
[ "$problems" = 0 ] || exit 3
exit "$status"
