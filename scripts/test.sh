#!/usr/bin/env bash
# Build agentconv and run its tests.
#
# usage: scripts/test.sh [CMAKE_ARG...] [-- CTEST_ARG...]
#
# Runs scripts/build.sh with the CMake arguments, then
# `ctest --test-dir build --output-on-failure -j2` with any arguments after
# `--` (e.g. scripts/test.sh -- -L golden). $AGENTCONV_BUILD_DIR picks
# another build directory, as for build.sh.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${AGENTCONV_BUILD_DIR:-build}

cmake_args=()
while [ $# -gt 0 ]; do
    if [ "$1" = -- ]; then
        shift
        break
    fi
    cmake_args+=("$1")
    shift
done

scripts/build.sh ${cmake_args[@]+"${cmake_args[@]}"}
ctest --test-dir "$build_dir" --output-on-failure -j2 "$@"
