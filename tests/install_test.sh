#!/usr/bin/env bash
# install.prefix: `cmake --install` puts a working agentconv into a fresh
# prefix, and a program outside the source tree builds against it.
#
# usage: tests/install_test.sh BUILD_DIR SOURCE_DIR CC CMAKE
#
# Environment (set by tests/CMakeLists.txt):
#   AGENTCONV_EXTRA_FLAGS    compiler and linker flags every program built
#                            here needs (the sanitizers of an ASan build:
#                            a program must load their runtime first)
#   AGENTCONV_INSTALL_RPATH  ON or OFF, as the build was configured
#   AGENTCONV_VERSION        the project's version (PROJECT_VERSION)
#
# Checks, in a temporary directory:
#  1. the installed files: tool, shared library (SONAME, symlinks), static
#     library, every public header, agentconv.pc, the CMake package, both
#     manual pages and the bash completion;
#  2. the installed tool runs and loads the prefix's library (through its
#     RUNPATH when AGENTCONV_INSTALL_RPATH is ON; with none when OFF);
#  3. tests/install/consumer.c, copied out of the source tree, built with
#     `pkg-config --cflags --libs agentconv` (and -std=c11 -Wall -Wextra
#     -Wpedantic -Werror, so the installed headers compile cleanly), with a
#     CMake project using find_package(agentconv) (agentconv::agentconv and
#     agentconv::agentconv_static), and with the static library and
#     `pkg-config --static`: each converts the reference agent in memory
#     to json, and its output equals the installed `agentconv FILE -t json`;
#     the static ones need no libagentconv.so; a version the package does
#     not provide is refused by find_package;
#  4. `MANPATH=PREFIX/share/man man agentconv` (and man 3) finds and
#     renders the installed pages; the installed completion completes
#     the installed tool's options.
set -euo pipefail

build=$(cd "$1" && pwd)
src=$(cd "$2" && pwd)
cc=$3
cmake=$4
extra=${AGENTCONV_EXTRA_FLAGS:-}
rpath=${AGENTCONV_INSTALL_RPATH:-ON}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
prefix=$tmp/prefix
work=$tmp/work
mkdir -p "$work"

fail() {
    echo "FAIL: $*" >&2
    exit 1
}
step() { echo "--- $*"; }

step "cmake --install $build --prefix $prefix"
"$cmake" --install "$build" --prefix "$prefix" >"$tmp/install.log" ||
    { cat "$tmp/install.log"; fail "cmake --install failed"; }

# ---- 1. the files -------------------------------------------------------

step "installed files"
pc=$(find "$prefix" -name agentconv.pc)
[ -n "$pc" ] && [ "$(wc -l <<<"$pc")" = 1 ] ||
    fail "expected one agentconv.pc under $prefix, found: ${pc:-none}"
pcdir=$(dirname "$pc")
libdir=$(dirname "$pcdir")
case $libdir in
"$prefix"/lib | "$prefix"/lib64 | "$prefix"/lib/*) ;;
*) fail "agentconv.pc is in $pcdir, not in LIBDIR/pkgconfig" ;;
esac
version=${AGENTCONV_VERSION:?AGENTCONV_VERSION is not set}
major=${version%%.*}
[[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]] ||
    fail "AGENTCONV_VERSION is '$version', not MAJOR.MINOR.PATCH"

for f in bin/agentconv share/man/man1/agentconv.1 share/man/man3/agentconv.3 \
    share/bash-completion/completions/agentconv; do
    [ -f "$prefix/$f" ] || fail "$prefix/$f is not installed"
done
for h in "$src"/include/agentconv/*.h; do
    cmp -s "$h" "$prefix/include/agentconv/$(basename "$h")" ||
        fail "header $(basename "$h") is not installed as it is"
done
[ -f "$libdir/libagentconv.so.$version" ] ||
    fail "no $libdir/libagentconv.so.$version"
[ "$(readlink "$libdir/libagentconv.so.$major")" = "libagentconv.so.$version" ] ||
    fail "libagentconv.so.$major is not a link to libagentconv.so.$version"
[ -L "$libdir/libagentconv.so" ] || fail "no libagentconv.so link"
[ -f "$libdir/libagentconv.a" ] || fail "no $libdir/libagentconv.a"
soname=$(readelf -d "$libdir/libagentconv.so.$version" |
    sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
[ "$soname" = "libagentconv.so.$major" ] ||
    fail "SONAME is '$soname', not libagentconv.so.$major"
cmakedir=$libdir/cmake/agentconv
for f in agentconvConfig.cmake agentconvConfigVersion.cmake \
    agentconvTargets.cmake agentconvStaticTargets.cmake; do
    [ -f "$cmakedir/$f" ] || fail "$cmakedir/$f is not installed"
done
# Nothing of the build or source tree leaks into the installed package
# files (they must work from any prefix).
if grep -l -e "$build" -e "$src" "$pc" "$cmakedir"/*.cmake; then
    fail "an installed package file names the build or source directory"
fi

# ---- 2. the installed tool ----------------------------------------------

step "installed agentconv"
agentconv=$prefix/bin/agentconv
runpath=$(readelf -d "$agentconv" | sed -n 's/.*(RUNPATH).*\[\(.*\)\]/\1/p')
if [ "$rpath" = ON ]; then
    # shellcheck disable=SC2016 # $ORIGIN is literal
    case $runpath in
    '$ORIGIN'/*) ;;
    *) fail "the installed agentconv's RUNPATH is '$runpath', not \$ORIGIN/..." ;;
    esac
    loaded=$(env -u LD_LIBRARY_PATH ldd "$agentconv" |
        sed -n 's/^\s*libagentconv\.so[^ ]* => \([^ ]*\).*/\1/p')
    [ -n "$loaded" ] && [ "$(realpath "$loaded")" = "$(realpath "$libdir/libagentconv.so.$version")" ] ||
        fail "the installed agentconv loads '${loaded:-nothing}', not $libdir's library"
    run_tool() { env -u LD_LIBRARY_PATH "$agentconv" "$@"; }
else
    [ -z "$runpath" ] || fail "RUNPATH '$runpath' with AGENTCONV_INSTALL_RPATH OFF"
    run_tool() { LD_LIBRARY_PATH=$libdir "$agentconv" "$@"; }
fi
[ "$(run_tool --version)" = "agentconv $version" ] ||
    fail "installed agentconv --version: $(run_tool --version 2>&1)"

cp "$src/tests/install/consumer.c" "$src/examples/rust-backend-engineer.md" "$work/"
cd "$work"
run_tool rust-backend-engineer.md -t json >expected.json
[ -s expected.json ] || fail "the installed agentconv wrote no json"

# compare NAME BINARY: the program's json equals the tool's.
compare() {
    "$2" rust-backend-engineer.md >"$1.json" || fail "$1 failed"
    cmp "$1.json" expected.json ||
        fail "$1's json differs from agentconv's: $(diff expected.json "$1.json" | head -5)"
    echo "$1: same json as the installed agentconv"
}
# needs_no_shared_library BINARY
needs_no_shared_library() {
    if readelf -d "$1" | grep -q 'NEEDED.*libagentconv'; then
        fail "$1 needs libagentconv.so: it is not linked statically"
    fi
}
warnings=(-std=c11 -Wall -Wextra -Wpedantic -Werror)

# ---- 3a. pkg-config -----------------------------------------------------

step "pkg-config"
export PKG_CONFIG_PATH=$pcdir
unset PKG_CONFIG_LIBDIR PKG_CONFIG_SYSROOT_DIR
[ "$(pkg-config --modversion agentconv)" = "$version" ] ||
    fail "pkg-config --modversion: $(pkg-config --modversion agentconv)"
[ "$(realpath "$(pkg-config --variable=includedir agentconv)")" = "$(realpath "$prefix/include")" ] ||
    fail "pkg-config includedir is $(pkg-config --variable=includedir agentconv)"
pc_libdir=$(realpath "$(pkg-config --variable=libdir agentconv)")
[ "$pc_libdir" = "$(realpath "$libdir")" ] ||
    fail "pkg-config libdir is $pc_libdir, not $libdir"
for module in yaml-0.1 jansson libxml-2.0 libcmark; do
    pkg-config --print-requires-private agentconv | grep -q "^$module\b" ||
        fail "agentconv.pc does not require $module privately"
done
cflags=$(pkg-config --cflags agentconv)
libs=$(pkg-config --libs agentconv)
echo "cflags: $cflags"
echo "libs: $libs"
# shellcheck disable=SC2086 # word splitting of the flags is meant
"$cc" $extra "${warnings[@]}" $cflags consumer.c -o consumer_pc $libs \
    -Wl,-rpath,"$pc_libdir"
compare consumer_pc ./consumer_pc
loaded=$(ldd ./consumer_pc | sed -n 's/^\s*libagentconv\.so[^ ]* => \([^ ]*\).*/\1/p')
[ "$(realpath "$loaded")" = "$(realpath "$libdir/libagentconv.so.$version")" ] ||
    fail "consumer_pc loads '$loaded'"

step "pkg-config --static"
static_libs=$(pkg-config --static --libs agentconv)
echo "libs: $static_libs"
# The archive, not the shared library beside it: -l:libagentconv.a.
static_libs=${static_libs/-lagentconv/-l:libagentconv.a}
# shellcheck disable=SC2086
"$cc" $extra "${warnings[@]}" $cflags consumer.c -o consumer_static_pc \
    $static_libs
needs_no_shared_library consumer_static_pc
compare consumer_static_pc ./consumer_static_pc
# Without the private dependencies the archive cannot link: so the static
# link above is proof that agentconv.pc lists them.
# shellcheck disable=SC2086
if "$cc" $extra $cflags consumer.c -o consumer_nodeps \
    ${libs/-lagentconv/-l:libagentconv.a} 2>nodeps.log; then
    fail "libagentconv.a linked without its dependencies: the check proves nothing"
fi

# ---- 3b. find_package(agentconv) ----------------------------------------

step "CMake find_package(agentconv $version)"
mkdir -p "$work/cmake-project"
cp consumer.c "$work/cmake-project/"
cat >"$work/cmake-project/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(consumer LANGUAGES C)
find_package(agentconv $version REQUIRED COMPONENTS shared static)
add_executable(consumer consumer.c)
target_link_libraries(consumer PRIVATE agentconv::agentconv)
add_executable(consumer_static consumer.c)
target_link_libraries(consumer_static PRIVATE agentconv::agentconv_static)
foreach(t consumer consumer_static)
  set_target_properties(\${t} PROPERTIES C_STANDARD 11 C_EXTENSIONS OFF)
  target_compile_options(\${t} PRIVATE -Wall -Wextra -Wpedantic -Werror)
endforeach()
EOF
"$cmake" -S "$work/cmake-project" -B "$work/cmake-build" \
    -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_C_COMPILER="$cc" \
    -DCMAKE_C_FLAGS="$extra" -DCMAKE_EXE_LINKER_FLAGS="$extra" \
    >cmake.log 2>&1 || { cat cmake.log; fail "the CMake project does not configure"; }
found=$(sed -n 's/^agentconv_DIR:PATH=//p' "$work/cmake-build/CMakeCache.txt")
[ "$(realpath "$found")" = "$(realpath "$cmakedir")" ] ||
    fail "find_package found agentconv in '$found', not $cmakedir"
"$cmake" --build "$work/cmake-build" >build.log 2>&1 ||
    { cat build.log; fail "the CMake project does not build"; }
needs_no_shared_library "$work/cmake-build/consumer_static"
compare consumer_cmake "$work/cmake-build/consumer"
compare consumer_cmake_static "$work/cmake-build/consumer_static"

# The version file: a later major version is not this package.
mkdir -p "$work/cmake-newer"
cat >"$work/cmake-newer/CMakeLists.txt" <<EOF
cmake_minimum_required(VERSION 3.16)
project(newer LANGUAGES C)
find_package(agentconv $((major + 1)).0 REQUIRED)
EOF
if "$cmake" -S "$work/cmake-newer" -B "$work/cmake-newer-build" \
    -DCMAKE_PREFIX_PATH="$prefix" >newer.log 2>&1; then
    fail "find_package(agentconv $((major + 1)).0) accepted version $version"
fi
grep -q "agentconvConfigVersion.cmake\|version" newer.log ||
    { cat newer.log; fail "find_package failed, but not for the version"; }

# ---- 4. man and bash completion -----------------------------------------

step "man"
export MANPATH=$prefix/share/man
[ "$(man -w agentconv)" = "$prefix/share/man/man1/agentconv.1" ] ||
    fail "man -w agentconv: '$(man -w agentconv 2>&1)'"
[ "$(man -w 3 agentconv)" = "$prefix/share/man/man3/agentconv.3" ] ||
    fail "man -w 3 agentconv: '$(man -w 3 agentconv 2>&1)'"
MANPAGER=cat MANWIDTH=80 man agentconv >man1.txt 2>man1.err
grep -q "convert AI agent definitions" man1.txt || fail "man agentconv shows: $(head -5 man1.txt)"
MANPAGER=cat MANWIDTH=80 man 3 agentconv >man3.txt 2>man3.err
grep -q "ac_read_file" man3.txt || fail "man 3 agentconv shows: $(head -5 man3.txt)"
[ ! -s man1.err ] && [ ! -s man3.err ] ||
    fail "man printed errors: $(cat man1.err man3.err)"

step "bash completion"
# The installed script, in a bash without bash-completion, completing the
# installed tool.
got=$(LD_LIBRARY_PATH=$libdir bash --norc --noprofile -c '
    source "$1" || exit 1
    COMP_WORDS=("$2" --vers); COMP_CWORD=1; _agentconv
    printf "%s\n" "${COMPREPLY[@]}"
    COMP_WORDS=("$2" -t ""); COMP_CWORD=2; _agentconv
    printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$prefix/share/bash-completion/completions/agentconv" "$agentconv")
expected=$(printf '%s\n' --version; run_tool --list-formats |
    awk 'NR > 1 && $3 == "yes" { print $1 }')
[ "$got" = "$expected" ] ||
    fail "the installed completion gives: $(echo $got), expected $(echo $expected)"

echo "install.prefix: ok (agentconv $version in $prefix)"
