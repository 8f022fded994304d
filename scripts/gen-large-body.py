#!/usr/bin/env python3
"""Write golden/valid/large-body/input.md: an agent with a 40 KB body.

Deterministic (a fixed linear congruential generator, no library random),
so running it again reproduces the committed file byte for byte:

    python3 scripts/gen-large-body.py > golden/valid/large-body/input.md

The body mixes what real prompts hold: headings, paragraphs with long
lines, bullet and numbered lists, fenced code with indentation and tabs,
a table, hard line breaks (two trailing spaces), Markdown rules (`---`),
and some non-ASCII words.
"""

import sys

TARGET = 40 * 1024

WORDS = (
    "agent review code test build deploy service request response error "
    "handle retry timeout cache index query schema migration token user "
    "session config module interface function value type check lint "
    "format commit branch merge release version latency throughput memory "
    "thread async await stream buffer parse render validate report "
    "naïve café résumé Übersicht 日本語 中文 データ 🚀"
).split()


class Lcg:
    """A 32-bit linear congruential generator (numerical recipes)."""

    def __init__(self, seed):
        self.state = seed

    def next(self, n):
        self.state = (self.state * 1664525 + 1013904223) % 2**32
        return (self.state >> 8) % n


def sentence(rng):
    n = 6 + rng.next(14)
    words = [WORDS[rng.next(len(WORDS))] for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(2 + rng.next(5)))


def block(rng, i):
    kind = i % 7
    if kind == 0:
        return "## Section %d: %s\n" % (i // 7 + 1, sentence(rng)[:-1])
    if kind == 1:
        return paragraph(rng) + "\n"
    if kind == 2:
        return "".join("- %s\n" % sentence(rng) for _ in range(3 + rng.next(4)))
    if kind == 3:
        lines = ["```python\n", "def step_%d(value):\n" % i]
        for j in range(2 + rng.next(4)):
            lines.append("    if value > %d:\n" % j)
            lines.append("        return handle(value)  # %s\n" % sentence(rng))
        lines.append("\treturn None\n")
        lines.append("```\n")
        return "".join(lines)
    if kind == 4:
        # Two trailing spaces: a Markdown hard line break.
        return "".join("%s  \n" % sentence(rng) for _ in range(3))
    if kind == 5:
        rows = ["| step | owner | note |\n", "|---|---|---|\n"]
        for j in range(3):
            rows.append("| %d | %s | %s |\n" % (j + 1, WORDS[rng.next(len(WORDS))],
                                                sentence(rng)))
        return "".join(rows)
    return "".join("%d. %s\n" % (j + 1, sentence(rng)) for j in range(4)) + \
        "\n---\n"


def main():
    rng = Lcg(20240601)
    out = [
        "---\n",
        "name: large-body\n",
        "description: An agent whose body is 40 KB of generated Markdown\n",
        "model: sonnet\n",
        "---\n",
        "\n",
        "# Large agent\n",
    ]
    size = sum(len(s.encode("utf-8")) for s in out)
    i = 0
    while size < TARGET:
        text = "\n" + block(rng, i)
        out.append(text)
        size += len(text.encode("utf-8"))
        i += 1
    sys.stdout.buffer.write("".join(out).encode("utf-8"))


if __name__ == "__main__":
    main()
