#!/usr/bin/env python3
"""Print the names of the functions the public headers declare with AC_API,
one per line, sorted.

usage: tests/public_api.py HEADER...

The headers are read as C text: comments and preprocessor lines are
removed, the rest is cut at every ';', and each piece that holds the token
AC_API is a declaration whose name is the identifier before the first '('
after AC_API.
A piece with AC_API and no '(' (an exported variable) is an error, as is
finding no function at all: the tests that use this list must not pass on
an empty one. Used by abi.exports (tests/check_exports.py) and docs.man
(tests/check_man.py).
"""
import re
import sys


def strip_comments(text):
    # Block and line comments, keeping string literals intact enough for
    # the declarations of a header (no '/*' inside strings there).
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    return re.sub(r"//[^\n]*", " ", text)


def strip_preprocessor(text):
    out = []
    continued = False
    for line in text.split("\n"):
        if continued or line.lstrip().startswith("#"):
            continued = line.rstrip().endswith("\\")
            continue
        out.append(line)
    return "\n".join(out)


def public_functions(paths):
    names = []
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = strip_preprocessor(strip_comments(f.read()))
        for piece in text.split(";"):
            api = re.search(r"\bAC_API\b", piece)
            if not api:
                continue
            m = re.search(r"([A-Za-z_]\w*)\s*\(", piece[api.end():])
            if not m:
                raise SystemExit(
                    f"{path}: AC_API on something that is not a function: "
                    f"{' '.join(piece.split())}")
            names.append(m.group(1))
    return names


def main():
    if len(sys.argv) < 2:
        raise SystemExit(__doc__)
    names = public_functions(sys.argv[1:])
    if not names:
        raise SystemExit("no AC_API function found in " + " ".join(sys.argv[1:]))
    dups = sorted({n for n in names if names.count(n) > 1})
    if dups:
        raise SystemExit("declared twice with AC_API: " + " ".join(dups))
    print("\n".join(sorted(names)))


if __name__ == "__main__":
    main()
