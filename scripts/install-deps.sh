#!/usr/bin/env bash
# Check that the Debian packages agentconv needs are installed, and install
# the missing ones.
#
# usage: scripts/install-deps.sh [EXTRA_PACKAGE...]
#
# Build: cmake make gcc pkg-config libyaml-dev libjansson-dev libxml2-dev
# libcmark-dev libcmocka-dev. Tests: python3 diffutils locales (for a de_DE
# locale the tests compile into the build tree), python3-jsonschema and
# python3-yaml (tests/validate_schema.py checks the golden json and yaml
# files against schemas/agent.schema.json), tidy (tests/check_html.sh checks
# the html form's pages), binutils (nm and readelf: abi.exports and
# install.prefix), groff-base (groff: docs.man renders the manual pages)
# and man-db (man: install.prefix finds the installed pages). Extra
# packages named
# on the command line (e.g. clang, which .ci/run also builds with;
# valgrind for the memcheck tests, -DAGENTCONV_MEMCHECK=ON; clang-tidy and
# cppcheck for scripts/static-analysis.sh) are checked too.
#
# Prints nothing when everything is there. Otherwise installs the missing
# packages with apt-get when running as root, or through `sudo -n` when that
# works without a password; failing both, prints the apt-get line to run and
# exits 1.
set -eu

cd "$(dirname "$0")/.."

packages="cmake make gcc pkg-config libyaml-dev libjansson-dev libxml2-dev
libcmark-dev libcmocka-dev python3 python3-jsonschema python3-yaml diffutils
locales tidy binutils groff-base man-db"
# shellcheck disable=SC2206 # word splitting is meant
wanted=($packages "$@")

if ! command -v dpkg-query >/dev/null 2>&1; then
    echo "install-deps.sh: no dpkg-query: not a Debian system; make sure the" \
        "equivalents of these are installed: ${wanted[*]}" >&2
    exit 0
fi

missing=()
for p in "${wanted[@]}"; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case $status in
    *" installed") ;;
    *) missing+=("$p") ;;
    esac
done
[ ${#missing[@]} -eq 0 ] && exit 0

install_line="apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" = 0 ]; then
    sudo=
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo="sudo -n"
else
    echo "install-deps.sh: missing packages: ${missing[*]}" >&2
    echo "install them as root with:" >&2
    echo "    apt-get update && $install_line" >&2
    exit 1
fi

echo "install-deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update
$sudo apt-get install -y --no-install-recommends "${missing[@]}"
