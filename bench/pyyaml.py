#!/usr/bin/python3
"""Baseline for the agentconv benchmark: md -> json with PyYAML's C loader.

usage: /usr/bin/python3 bench/pyyaml.py IN_DIR OUT_DIR

Reads every *.md file under IN_DIR (recursively), parses its front matter
with PyYAML's libyaml-based loader (yaml.CSafeLoader, from Debian's
python3-yaml) and writes one JSON file per input under OUT_DIR, mirroring
the tree the way agentconv's batch mode does (`x.md` -> `x.json`,
`x.agent.md` -> `x.agent.json`): the front matter's fields, then
"instructions" holding the markdown body, indented by 2 spaces, UTF-8, with
a final newline.

The front matter is what lies between a first line `---` and the next line
`---`, as gray-matter and agentconv take it. YAML values that JSON has no
type for (dates, timestamps) are written as their text. A file that fails
is reported on stderr and the others go on; the exit status is then 1.
Prints nothing else. Refuses to run without the C loader: the benchmark
means to measure it.
"""

import json
import os
import sys

import yaml

try:
    LOADER = yaml.CSafeLoader
except AttributeError:
    sys.exit("pyyaml.py: this PyYAML has no C loader (libyaml): install python3-yaml")


def split(text):
    """(front matter, body) of a markdown text; ('', text) without front
    matter. The body starts after the closing line's line end."""
    if not (text.startswith("---\n") or text.startswith("---\r\n")):
        return "", text
    start = text.index("\n") + 1
    pos = start
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip("\r") == "---":
            return text[start:pos], ("" if end < 0 else text[end + 1:])
        if end < 0:
            return "", text  # never closed: no front matter
        pos = end + 1


def convert(in_path, out_path):
    with open(in_path, encoding="utf-8", newline="") as f:
        front, body = split(f.read())
    fields = yaml.load(front, Loader=LOADER) if front else None
    agent = dict(fields) if isinstance(fields, dict) else {}
    agent["instructions"] = body
    with open(out_path, "w", encoding="utf-8", newline="") as f:
        json.dump(agent, f, ensure_ascii=False, indent=2, default=str)
        f.write("\n")


def main(argv):
    if len(argv) != 2:
        print("usage: pyyaml.py IN_DIR OUT_DIR", file=sys.stderr)
        return 2
    in_dir, out_dir = argv
    failed = 0
    # os.walk does not follow links to folders; sorted for a stable order.
    for folder, subdirs, files in os.walk(in_dir):
        subdirs.sort()
        rel = os.path.relpath(folder, in_dir)
        target = os.path.normpath(os.path.join(out_dir, rel))
        made = False
        for name in sorted(files):
            if not name.endswith(".md"):
                continue
            if not made:
                os.makedirs(target, exist_ok=True)
                made = True
            in_path = os.path.join(folder, name)
            try:
                convert(in_path, os.path.join(target, name[: -len(".md")] + ".json"))
            except (OSError, UnicodeDecodeError, yaml.YAMLError, ValueError) as err:
                print("%s: %s" % (in_path, err), file=sys.stderr)
                failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
