#!/usr/bin/env python3
"""abi.exports: the shared library exports exactly the public API.

usage: tests/check_exports.py LIBAGENTCONV.so HEADER...

Compares the dynamic symbols the library defines (`nm -D --defined-only`)
with the AC_API functions of the headers (tests/public_api.py). A symbol
exported but not declared public, or declared public but not exported,
fails the test with its name. Symbols the toolchain itself puts in every
shared library (_init, _fini, the sanitizers' __asan_* / __ubsan_* ...) are
not agentconv's and are left out; anything else counts.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import public_api  # noqa: E402

# Defined by the compiler, the linker or a sanitizer runtime, not by the
# sources of the library.
TOOLCHAIN = re.compile(
    r"^(_init|_fini|_edata|_end|__bss_start|__end__|_DYNAMIC"
    r"|_GLOBAL_OFFSET_TABLE_|__(a|ub|t|l|m)san_\w*|__sanitizer_\w*)$")


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    names = set()
    for line in out.splitlines():
        fields = line.split()
        if len(fields) < 3:
            continue
        # Versioned names print as name@@VERSION.
        name = fields[2].split("@")[0]
        if not TOOLCHAIN.match(name):
            names.add(name)
    return names


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    lib, headers = sys.argv[1], sys.argv[2:]
    declared = set(public_api.public_functions(headers))
    if not declared:
        raise SystemExit("no AC_API function found in the headers")
    have = exported(lib)
    extra = sorted(have - declared)
    missing = sorted(declared - have)
    for name in extra:
        print(f"exported but not declared AC_API in a public header: {name}")
    for name in missing:
        print(f"declared AC_API but not exported by {lib}: {name}")
    if extra or missing:
        print(f"FAIL: {len(extra)} extra, {len(missing)} missing")
        return 1
    print(f"abi.exports: the {len(have)} exported symbols are the "
          f"{len(declared)} AC_API functions")
    return 0


if __name__ == "__main__":
    sys.exit(main())
