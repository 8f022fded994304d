#!/usr/bin/env bash
# Static analysis of the library and the command line (docs/hardening.md):
# clang-tidy with the checked-in .clang-tidy, and cppcheck with
# tests/cppcheck.supp. Any finding fails (exit 1).
#
# usage: scripts/static-analysis.sh [BUILD_DIR]
#
# BUILD_DIR (default build-tidy) is configured with
# CMAKE_EXPORT_COMPILE_COMMANDS=ON for clang-tidy's compile commands; it
# is not built. Needs Debian's clang-tidy (14) and cppcheck (2.10)
# (scripts/install-deps.sh clang-tidy cppcheck).
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
build_dir=${1:-build-tidy}

for tool in clang-tidy cppcheck; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "static-analysis: no $tool (scripts/install-deps.sh $tool)" >&2
        exit 1
    fi
done

cmake -S . -B "$build_dir" -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
    -DCMAKE_C_COMPILER=clang >/dev/null

sources=$(find src -name '*.c' | sort)
status=0

echo "static-analysis: clang-tidy $(clang-tidy --version | sed -n 's/.*version //p' | head -1)"
# shellcheck disable=SC2086 # word splitting of the file list is meant
if ! printf '%s\n' $sources |
    xargs -P 2 -n 4 clang-tidy -p "$build_dir" --quiet 2>/dev/null; then
    echo "static-analysis: clang-tidy found something (above)" >&2
    status=1
fi

echo "static-analysis: $(cppcheck --version)"
# --enable=warning,portability,performance: the bug classes; style is
# clang-format's and the review's. The defines are the build's.
# shellcheck disable=SC2086
if ! cppcheck --quiet --error-exitcode=1 --inline-suppr \
    --enable=warning,portability,performance --std=c11 \
    --suppressions-list=tests/cppcheck.supp \
    -D_POSIX_C_SOURCE=200809L -I include -I src $sources; then
    echo "static-analysis: cppcheck found something (above)" >&2
    status=1
fi

[ $status = 0 ] && echo "static-analysis: clean"
exit $status
