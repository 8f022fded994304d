#!/usr/bin/env python3
"""Build a library of agent files for the benchmark from real agent files.

usage: make-library.py [--count N] [--per-dir M] [--agentconv BIN]
                       SOURCE_DIR [SOURCE_DIR...] OUT_DIR

Finds the markdown agent files under the SOURCE_DIRs (*.md, recursively,
in sorted order), keeps those with YAML front matter that every tool of the
benchmark reads (see `usable` below), and copies them round-robin into
OUT_DIR until there are N files (default 10,000), M per folder (default
100): OUT_DIR/d000/, OUT_DIR/d001/, ...

Copy number i (0-based) of a source file `STEM.EXT` (EXT is `.md`, or
`.agent.md`, `.chatmode.md`...: everything from the first dot) is named
`STEM-iiiii.EXT` (`iiiii` is i with at least five digits) and its
front matter's `name:` is set to `STEM-iiiii`, the file name less its
extensions: every output of a conversion differs, and a checker can tell
the name each output must carry from its file name alone. Everything
else is copied byte for byte (line ends, comments, quirks and all).

The result depends only on the source files and the options: the same
inputs give the same library, byte for byte.

Which files are used: a file whose first line is `---` and which has a
later line `---` ending the front matter, whose front matter a strict
YAML reader (PyYAML's safe loader, with duplicate keys refused, as
js-yaml and agentconv refuse them) reads as a mapping. That leaves out
READMEs, the 1 in 100 real files whose front matter is not valid YAML
(agentconv recovers them, the baselines would fail on them) and test
fixtures of other front-matter syntaxes (and front matter that is a
JSON object, where a `name:` line cannot be set), so that every tool of
the benchmark does the same work on every file. With --agentconv BIN, a file
must also convert with `BIN -q -t json FILE`.

Prints a one-line summary on stderr. Exits 1 if no source file is usable,
2 on a usage error, and refuses an OUT_DIR that exists and is not empty.
"""

import argparse
import os
import re
import subprocess
import sys

import yaml

# The C loader when PyYAML has it (much faster over ~1,000 files), else
# the pure-Python one: both read the same documents.
_BASE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _StrictLoader(_BASE_LOADER):  # pylint: disable=too-many-ancestors
    """A safe loader that refuses duplicate keys in a mapping."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
                seen.add(key)
            except TypeError:  # an unhashable key: let the base refuse it
                duplicate = False
            if duplicate:
                raise yaml.constructor.ConstructorError(
                    None, None, "duplicate key %r" % (key,), key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


# A line that opens or closes the front matter: exactly three dashes,
# with an optional line end (\n or \r\n).
_DELIM = re.compile(rb"---(\r?\n)?\Z")

# A top-level `name:` key (at column 0), in any of its spellings.
_NAME_LINE = re.compile(rb"""(name|"name"|'name')[ \t]*:(?:[ \t]|\r?\n|\Z)""")


def split_front_matter(data):
    """Return (front matter lines, body bytes), or None if there is no
    front matter. The lines keep their line ends."""
    lines = data.splitlines(keepends=True)
    if not lines or not _DELIM.match(lines[0]):
        return None
    for i in range(1, len(lines)):
        if _DELIM.match(lines[i]):
            return lines[1:i], b"".join(lines[i:])
    return None


def read_fields(front_lines):
    """The front matter's mapping, or None if a strict reader refuses it
    or it is not a non-empty mapping."""
    try:
        fields = yaml.load(b"".join(front_lines).decode("utf-8"), Loader=_StrictLoader)
    except (UnicodeDecodeError, yaml.YAMLError):
        return None
    return fields if isinstance(fields, dict) and fields else None


def usable(path, data, agentconv):
    """Whether the file at path (its bytes: data) goes into the library."""
    parts = split_front_matter(data)
    if parts is None or read_fields(parts[0]) is None:
        return False
    # The copies get a new `name:` line: the result must still read, with
    # that name (not so for front matter written as one JSON object, say).
    renamed = read_fields(rename(parts[0], "probe-00000"))
    if renamed is None or renamed.get("name") != "probe-00000":
        return False
    if agentconv:
        done = subprocess.run(
            [agentconv, "-q", "-t", "json", path],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            check=False,
        )
        if done.returncode != 0:
            return False
    return True


def stem_and_ext(filename):
    """`rust-pro.agent.md` -> (`rust-pro`, `.agent.md`). The stem is made
    safe as a plain YAML scalar and a file name: letters, digits, `.`,
    `_` and `-` are kept, anything else becomes `-`."""
    dot = filename.find(".", 1)  # a leading dot is part of the stem
    stem, ext = (filename[:dot], filename[dot:]) if dot > 0 else (filename, "")
    stem = re.sub(r"[^A-Za-z0-9._-]", "-", stem).strip("-.") or "agent"
    return stem, ext


def rename(front_lines, new_name):
    """The front matter lines with the top-level `name:` set to new_name
    (a plain scalar), or with `name:` added first when there is none.
    The value's continuation lines (indented, or empty) go with it."""
    eol = b"\r\n" if front_lines and front_lines[0].endswith(b"\r\n") else b"\n"
    line = b"name: " + new_name.encode("ascii") + eol
    for i, old in enumerate(front_lines):
        if _NAME_LINE.match(old):
            j = i + 1
            while j < len(front_lines) and (
                front_lines[j][:1] in (b" ", b"\t") or not front_lines[j].strip()
            ):
                j += 1
            return front_lines[:i] + [line] + front_lines[j:]
    return [line] + front_lines


def source_files(dirs):
    """Every *.md file under the dirs, in a stable (sorted) order; links
    to folders are not followed, so a loop cannot make the walk endless."""
    found = []
    for top in dirs:
        for folder, subdirs, files in os.walk(top):
            subdirs.sort()
            for name in sorted(files):
                path = os.path.join(folder, name)
                if name.lower().endswith(".md") and os.path.isfile(path):
                    found.append(path)
    return found


def main():
    parser = argparse.ArgumentParser(
        description="Build a benchmark library of agent .md files from real ones."
    )
    parser.add_argument("--count", type=int, default=10000, help="files to write")
    parser.add_argument("--per-dir", type=int, default=100, help="files per folder")
    parser.add_argument("--agentconv", help="also require that BIN converts the file")
    parser.add_argument("sources", nargs="+", metavar="SOURCE_DIR")
    parser.add_argument("out", metavar="OUT_DIR")
    args = parser.parse_args()
    if args.count < 1 or args.per_dir < 1:
        parser.error("--count and --per-dir must be at least 1")
    for top in args.sources:
        if not os.path.isdir(top):
            parser.error("not a directory: %s" % top)
    if os.path.isdir(args.out) and os.listdir(args.out):
        parser.error("output directory exists and is not empty: %s" % args.out)

    candidates = source_files(args.sources)
    sources = []
    for path in candidates:
        with open(path, "rb") as f:
            data = f.read()
        if usable(path, data, args.agentconv):
            sources.append((os.path.basename(path), data))
    if not sources:
        print("make-library: no usable agent file under %s" % " ".join(args.sources),
              file=sys.stderr)
        return 1

    digits = max(5, len(str(args.count - 1)))
    folders = (args.count + args.per_dir - 1) // args.per_dir
    folder_digits = max(3, len(str(folders - 1)))
    total = 0
    for i in range(args.count):
        filename, data = sources[i % len(sources)]
        stem, ext = stem_and_ext(filename)
        new_stem = "%s-%0*d" % (stem, digits, i)
        front, body = split_front_matter(data)
        first = data.splitlines(keepends=True)[0]  # the opening `---`
        out = first + b"".join(rename(front, new_stem)) + body
        folder = os.path.join(args.out, "d%0*d" % (folder_digits, i // args.per_dir))
        if i % args.per_dir == 0:
            os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, new_stem + ext), "wb") as f:
            f.write(out)
        total += len(out)

    print(
        "make-library: %d files (%.1f MB) in %d folders from %d usable of %d .md files"
        % (args.count, total / 1e6, folders, len(sources), len(candidates)),
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
