#!/usr/bin/env bash
# Configure and build agentconv (installing missing Debian packages first).
#
# usage: scripts/build.sh [CMAKE_ARG...]
#
# Builds in build/ at the repository's root, or in $AGENTCONV_BUILD_DIR
# (relative to the root) when that is set. The arguments go to the
# configure step, e.g. scripts/build.sh -DAGENTCONV_WERROR=ON.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${AGENTCONV_BUILD_DIR:-build}

scripts/install-deps.sh

jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
cmake -S . -B "$build_dir" "$@"
cmake --build "$build_dir" -j "$jobs"
