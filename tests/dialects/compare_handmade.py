#!/usr/bin/env python3
"""Compare agentconv's dialect conversions with conversions made by hand.

usage: compare_handmade.py [--update] AGENTCONV HANDMADE_DIR EXPECTED_REPORT

HANDMADE_DIR (tests/dialects/handmade/, see its SOURCE.md) holds the same
agents as Claude Code subagents (agents/*.md), as Kiro agents
(.kiro/agents/*.json) and in OpenCode's .opencode/opencode.json. Each Claude
agent is converted with `agentconv --to-dialect kiro` and, all together, with
`agentconv --keyed --bundle --to-dialect opencode`, and every field of the
result is compared with the hand-made one. The report (what is the same,
what differs, what only one side has) must equal EXPECTED_REPORT byte for
byte; --update (or AGENTCONV_UPDATE_GOLDEN=1) rewrites it instead. A change
in a mapping table shows up here as a changed report, to be looked at and
explained in docs/dialects.md.
"""
import json
import os
import subprocess
import sys


def run(cmd, cwd):
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.stderr.write("command failed (%d): %s\n%s" %
                         (p.returncode, " ".join(cmd), p.stderr))
        sys.exit(1)
    return p.stdout, p.stderr


def short(v, width=60):
    s = json.dumps(v, sort_keys=False, ensure_ascii=False)
    return s if len(s) <= width else s[:width - 3] + "..."


def prompt_text(s):
    return "\n".join(line.rstrip() for line in s.strip().splitlines())


def compare(name, ours, hand, lines, tally):
    for key in sorted(set(ours) | set(hand)):
        if key not in hand:
            verdict = "only agentconv: %s" % short(ours[key])
            kind = "only agentconv"
        elif key not in ours:
            verdict = "only hand-made: %s" % short(hand[key])
            kind = "only hand-made"
        elif key == "prompt":
            a, b = prompt_text(ours[key]), prompt_text(hand[key])
            if a == b:
                verdict, kind = "same", "same"
            else:
                la, lb = a.splitlines(), b.splitlines()
                shared = len(set(la) & set(lb))
                verdict = ("differs: agentconv %d lines, hand-made %d lines, "
                           "%d lines in both" % (len(la), len(lb), shared))
                kind = "differs"
        elif ours[key] == hand[key]:
            verdict, kind = "same", "same"
        else:
            verdict = "differs: agentconv %s, hand-made %s" % (
                short(ours[key], 50), short(hand[key], 50))
            kind = "differs"
        tally.setdefault(key, {}).setdefault(kind, 0)
        tally[key][kind] += 1
        lines.append("  %s.%s: %s" % (name, key, verdict))


def summary(tally, out):
    for key in sorted(tally):
        counts = tally[key]
        out.append("  %-16s %s" % (key, ", ".join(
            "%s %d" % (k, counts[k]) for k in
            ("same", "differs", "only agentconv", "only hand-made")
            if k in counts)))


def main():
    args = sys.argv[1:]
    update = os.environ.get("AGENTCONV_UPDATE_GOLDEN") == "1"
    if args and args[0] == "--update":
        update = True
        args = args[1:]
    if len(args) != 3:
        sys.stderr.write(__doc__)
        return 2
    agentconv, root, expected = (os.path.abspath(a) for a in args)
    report = ["# agentconv against hand-made conversions (%s)" %
              "tests/dialects/handmade", ""]

    # -- Kiro: one file per agent
    kiro_dir = os.path.join(root, ".kiro", "agents")
    tally, detail, warnings = {}, [], 0
    names = sorted(f[:-5] for f in os.listdir(kiro_dir) if f.endswith(".json"))
    compared = 0
    for name in names:
        md = os.path.join("agents", name + ".md")
        if not os.path.exists(os.path.join(root, md)):
            detail.append("  %s: no Claude Code agent to convert" % name)
            continue
        out, err = run([agentconv, "--to-dialect", "kiro", md], root)
        warnings += len(err.splitlines())
        with open(os.path.join(kiro_dir, name + ".json"), encoding="utf-8") as f:
            hand = json.load(f)
        compare(name, json.loads(out), hand, detail, tally)
        compared += 1
    report.append("## Claude Code -> Kiro: %d agents, %d warnings" %
                  (compared, warnings))
    report.append("")
    summary(tally, report)
    report.append("")
    report.extend(detail)
    report.append("")

    # -- OpenCode: the "agent" map of opencode.json
    oc_dir = os.path.join(root, ".opencode")
    with open(os.path.join(oc_dir, "opencode.json"), encoding="utf-8") as f:
        hand_all = json.load(f)["agent"]
    out, _ = run([agentconv, "--keyed", "--bundle", "-t", "json",
                  os.path.join(".opencode", "opencode.json")], root)
    read_back = json.loads(out)
    report.append("## opencode.json read as a collection keyed by name: "
                  "%d agents (%s)" % (len(read_back), ", ".join(read_back)))
    report.append("")
    mds = sorted(os.path.join("agents", n + ".md") for n in hand_all
                 if os.path.exists(os.path.join(root, "agents", n + ".md")))
    out, err = run([agentconv, "--keyed", "--bundle", "--to-dialect",
                    "opencode", "-t", "json"] + mds, root)
    ours_all = json.loads(out)["agent"]
    tally, detail = {}, []
    for name in sorted(hand_all):
        hand = dict(hand_all[name])
        p = hand.get("prompt", "")
        if p.startswith("{file:") and p.endswith("}"):
            with open(os.path.join(oc_dir, p[6:-1]), encoding="utf-8") as f:
                hand["prompt"] = f.read()
        if name not in ours_all:
            detail.append("  %s: no Claude Code agent to convert" % name)
            continue
        compare(name, ours_all[name], hand, detail, tally)
    report.append("## Claude Code -> OpenCode: %d agents, %d warnings" %
                  (len(ours_all), len(err.splitlines())))
    report.append("")
    summary(tally, report)
    report.append("")
    report.extend(detail)
    text = "\n".join(report) + "\n"

    if update:
        old = open(expected, encoding="utf-8").read() \
            if os.path.exists(expected) else None
        if old != text:
            with open(expected, "w", encoding="utf-8") as f:
                f.write(text)
            print("updated %s" % expected)
        return 0
    with open(expected, encoding="utf-8") as f:
        want = f.read()
    if want != text:
        import difflib
        sys.stderr.writelines(difflib.unified_diff(
            want.splitlines(True), text.splitlines(True), expected, "actual"))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
