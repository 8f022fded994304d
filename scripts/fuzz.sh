#!/usr/bin/env bash
# Build the libFuzzer targets with clang and run each for a fixed time
# (docs/fuzzing.md).
#
# usage: scripts/fuzz.sh [-t SECONDS] [TARGET...]
#
# TARGET is md, json, yaml, xml or roundtrip (default: all five, one after
# the other, never two at once). Builds in build-fuzz/ (or
# $AGENTCONV_BUILD_DIR) with -DAGENTCONV_FUZZ=ON, then runs each target
# for SECONDS (default 60) over build-fuzz/corpus/TARGET (new inputs are
# kept there between runs) and its seeds, with its dictionary, a timeout
# of 10 s per input, a 2048 MB memory limit and leak detection. A crash,
# a leak, a timeout or running out of memory stops the run and exits
# non-zero; libFuzzer writes the input to build-fuzz/artifacts/TARGET/,
# which then belongs in tests/fuzz/regressions/TARGET/ once fixed.
# Extra libFuzzer flags go in $FUZZ_FLAGS (e.g. FUZZ_FLAGS=-jobs=1).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${AGENTCONV_BUILD_DIR:-build-fuzz}

seconds=60
if [ "${1:-}" = -t ]; then
    seconds=$2
    shift 2
fi
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(md json yaml xml roundtrip)

scripts/install-deps.sh clang libclang-rt-14-dev
cmake -S . -B "$build_dir" -DCMAKE_C_COMPILER=clang -DAGENTCONV_FUZZ=ON \
    -DAGENTCONV_TESTS=OFF -DAGENTCONV_WERROR=ON >/dev/null
cmake --build "$build_dir" --target fuzzers -j 2

for t in "${targets[@]}"; do
    exe=$build_dir/tests/fuzz/fuzz_$t
    if [ ! -x "$exe" ]; then
        echo "fuzz.sh: no target '$t' (md, json, yaml, xml, roundtrip)" >&2
        exit 2
    fi
    corpus=$build_dir/corpus/$t
    artifacts=$build_dir/artifacts/$t
    mkdir -p "$corpus" "$artifacts"
    echo "=== fuzz_$t: $seconds s"
    # shellcheck disable=SC2086 # FUZZ_FLAGS is a list of flags
    ASAN_OPTIONS=detect_leaks=1:${ASAN_OPTIONS:-} \
        UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
        "$exe" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -max_len=65536 -detect_leaks=1 -print_final_stats=1 \
        -dict="$build_dir/tests/fuzz/$t.dict" \
        -artifact_prefix="$artifacts/" ${FUZZ_FLAGS:-} \
        "$corpus" "$build_dir/tests/fuzz/seeds/$t"
done
