#!/usr/bin/env python3
"""docs.man: the manual pages agree with the real tool and the real headers.

usage: tests/check_man.py --agentconv AGENTCONV --man1 agentconv.1
           --man3 agentconv.3 --cli-source FILE... --header FILE...

Checks, each failure printed with the names it concerns:
- every long option that `agentconv --help` lists (the option lines: 2 to
  8 spaces, then "-x, --name" or "--name"; descriptions continue further
  right) is documented in agentconv.1 as
  the tag of a .TP paragraph, with its short form when it has one, and
  every option agentconv.1 documents so is in the help (none left behind
  after an option is removed);
- every long option of the getopt_long tables in the CLI's sources is in
  the help (an option added to the code but not to the help fails too);
- every AC_API function of the headers (tests/public_api.py) is named in
  agentconv.3, and every ac_* name agentconv.3 uses exists in the headers;
- both pages render with `groff -man -Tutf8 -ww -z` (every warning)
  without a warning.
"""
import argparse
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import public_api  # noqa: E402

problems = []


def fail(msg):
    problems.append(msg)


def help_options(agentconv):
    """{long: short or None} from the option lines of --help."""
    out = subprocess.run([agentconv, "--help"], check=True,
                         capture_output=True, text=True).stdout
    opts = {}
    for line in out.splitlines():
        m = re.match(r"^ {2,8}(?:-([A-Za-z0-9]), )?--([a-z][a-z0-9-]*)", line)
        if m:
            opts[m.group(2)] = m.group(1)
    if not opts:
        raise SystemExit(f"no option line found in `{agentconv} --help`")
    return opts


def source_options(paths):
    names = set()
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        names.update(re.findall(
            r'\{\s*"([a-z][a-z0-9-]*)"\s*,\s*(?:no|required|optional)_argument',
            text))
    if not names:
        raise SystemExit("no getopt_long option table found in " +
                         " ".join(paths))
    return names


def plain(roff):
    """Roff text without font escapes, with \\- as -."""
    text = re.sub(r"\\f(\[[^]]*\]|\(..|.)", "", roff)
    text = text.replace("\\-", "-").replace("\\(em", "--")
    return re.sub(r"\\&", "", text)


def man1_tags(path):
    """The tag lines (the line after each .TP), as plain text."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    tags = []
    for i, line in enumerate(lines[:-1]):
        if line.strip() == ".TP":
            tag = lines[i + 1]
            # .B / .BR / .BI macros: their words, quotes removed.
            if tag.startswith("."):
                tag = re.sub(r"^\.\w+\s*", "", tag).replace('"', "")
            tags.append(plain(tag))
    return tags


def check_man1(agentconv, man1, sources):
    opts = help_options(agentconv)
    for name in sorted(source_options(sources) - set(opts)):
        fail(f"--{name} is in the CLI's option table but not in --help")
    documented = {}
    for tag in man1_tags(man1):
        for m in re.finditer(r"(?:^|[\s,])--([a-z][a-z0-9-]*)", tag):
            documented[m.group(1)] = tag
    for name, short in sorted(opts.items()):
        tag = documented.get(name)
        if tag is None:
            fail(f"--{name} (agentconv --help) has no .TP entry in {man1}")
        elif short and not re.search(rf"(^|[\s,])-{short}\b", tag):
            fail(f"the {man1} entry of --{name} does not name -{short}: "
                 f"{tag!r}")
    for name in sorted(set(documented) - set(opts)):
        fail(f"{man1} documents --{name}, which agentconv --help does not "
             f"list")
    return len(opts)


def check_man3(man3, headers):
    functions = public_api.public_functions(headers)
    if not functions:
        raise SystemExit("no AC_API function in the headers")
    with open(man3, encoding="utf-8") as f:
        text = plain(f.read())
    named = set(re.findall(r"\bac_\w+", text))
    for name in sorted(set(functions) - named):
        fail(f"{name} (AC_API) is not in {man3}")
    known = set()
    for h in headers:
        with open(h, encoding="utf-8") as f:
            known.update(re.findall(r"\bac_\w+", f.read()))
    for name in sorted(named - known):
        fail(f"{man3} names {name}, which no public header declares")
    return len(functions)


def check_render(page):
    cmd = ["groff", "-man", "-Tutf8", "-ww", "-z", page]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode != 0 or r.stderr.strip():
        fail(f"{' '.join(cmd)} warns (exit {r.returncode}):\n"
             + r.stderr.rstrip())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--agentconv", required=True)
    ap.add_argument("--man1", required=True)
    ap.add_argument("--man3", required=True)
    ap.add_argument("--cli-source", nargs="+", required=True)
    ap.add_argument("--header", nargs="+", required=True)
    a = ap.parse_args()
    n_opts = check_man1(a.agentconv, a.man1, a.cli_source)
    n_funcs = check_man3(a.man3, a.header)
    check_render(a.man1)
    check_render(a.man3)
    for p in problems:
        print(p)
    if problems:
        print(f"FAIL: {len(problems)} problems")
        return 1
    print(f"docs.man: {n_opts} options in agentconv.1, {n_funcs} functions in "
          f"agentconv.3, both render without warnings")
    return 0


if __name__ == "__main__":
    sys.exit(main())
