#!/usr/bin/python3
"""Check the outputs of a benchmark run (bench/run.sh); not timed.

usage:
  verify.py names FORM DIR      every file's agent name is its file name
                                less its extensions (as make-library.py
                                named them); FORM: json, yaml, xml or md
  verify.py keys REF_DIR DIR    every JSON file under REF_DIR (agentconv's
                                md -> json) has a file at the same path
                                under DIR (a baseline's) with the same keys,
                                and DIR holds no other file (an empty
                                "instructions", which agentconv leaves
                                out, aside)

Prints one line: what was checked, or the first problems found. Exits 0
when all is well, 1 otherwise.
"""

import json
import os
import sys
import xml.etree.ElementTree as ET

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
XML_NS = "{urn:agentconv:agent:1}"


def files_under(top):
    """Relative paths of the regular files under top, sorted."""
    found = []
    for folder, _, files in os.walk(top):
        for name in files:
            found.append(os.path.relpath(os.path.join(folder, name), top))
    return sorted(found)


def front_matter(text):
    """The YAML between the first line `---` and the next line `---`."""
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip("\r\n") != "---":
        raise ValueError("no front matter")
    for i in range(1, len(lines)):
        if lines[i].rstrip("\r\n") == "---":
            return "".join(lines[1:i])
    raise ValueError("front matter not closed")


def name_of(form, path):
    """The `name` field of the agent in the file at path."""
    with open(path, encoding="utf-8") as f:
        text = f.read()
    if form == "json":
        return json.loads(text).get("name")
    if form == "yaml":
        return yaml.load(text, Loader=LOADER).get("name")
    if form == "md":
        return yaml.load(front_matter(text), Loader=LOADER).get("name")
    if form == "xml":
        root = ET.fromstring(text.encode("utf-8"))
        node = root.find(XML_NS + "name")
        return None if node is None else node.text
    raise ValueError("unknown form " + form)


def check_names(form, top):
    problems = []
    files = files_under(top)
    for rel in files:
        want = os.path.basename(rel).split(".", 1)[0]
        try:
            got = name_of(form, os.path.join(top, rel))
        except (ValueError, yaml.YAMLError, ET.ParseError, AttributeError) as err:
            problems.append("%s: does not read: %s" % (rel, err))
            continue
        if got != want:
            problems.append("%s: name %r, expected %r" % (rel, got, want))
    return len(files), problems


def check_keys(ref_top, top):
    problems = []
    ref_files = files_under(ref_top)
    other = set(files_under(top))
    for rel in ref_files:
        if rel not in other:
            problems.append("%s: missing" % rel)
            continue
        other.discard(rel)
        with open(os.path.join(ref_top, rel), encoding="utf-8") as f:
            want = list(json.load(f))
        with open(os.path.join(top, rel), encoding="utf-8") as f:
            got = json.load(f)
        if isinstance(got, dict) and "instructions" not in want \
                and got.get("instructions") == "":
            got.pop("instructions")  # agentconv leaves out an empty body
        if not isinstance(got, dict) or set(got) != set(want):
            problems.append("%s: keys %s, agentconv has %s" % (
                rel, sorted(got) if isinstance(got, dict) else type(got).__name__,
                sorted(want)))
    problems.extend("%s: not in agentconv's output" % rel for rel in sorted(other))
    return len(ref_files), problems


def main(argv):
    if len(argv) == 3 and argv[0] == "names":
        count, problems = check_names(argv[1], argv[2])
        what = "%s names" % argv[1]
    elif len(argv) == 3 and argv[0] == "keys":
        count, problems = check_keys(argv[1], argv[2])
        what = "key sets against agentconv's json"
    else:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    if count == 0:
        problems.append("no file to check")
    if problems:
        print("FAILED %s: %d problems in %d files: %s" % (
            what, len(problems), count, "; ".join(problems[:5])))
        return 1
    print("ok: %s of %d files" % (what, count))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
