#!/usr/bin/python3
"""Summarise the timings of a benchmark run (bench/run.sh).

usage: summarize.py RESULTS_TSV FILES [BIG_FILES] [--stand-in]

RESULTS_TSV has one line per timed run: the round, the command's key (see
ROWS), its wall time in seconds, its peak memory (max RSS, KiB) and its
CPU time (user + system, seconds). FILES
is the size of the library; BIG_FILES that of the larger library that
key ac-md-json-big (one run) was measured on, if any. --stand-in says that
the agentconv rows were measured with bench/standin.sh, not the batch mode.

Prints a markdown table (median wall time over the rounds, its range,
files per second, the time as a multiple of cp -r's, the median CPU time
(user + system) and peak memory: the largest max RSS of any round), the
ratios, and PASS or FAIL for each
target of issue 5:
  - md -> json at least 5 times faster than the gray-matter script;
  - md -> json within 2 times of `cp -r`;
  - md -> json peak memory under 32 MB (1 MB = 1,000,000 bytes), on the
    library and on the larger one; and, "whatever the library's size",
    the peak extrapolated linearly from the two sizes still under 32 MB at
    10 times the library's size (100,000 files for 10,000).
Exits 0 when all pass, 1 otherwise.
"""

import statistics
import sys

# (key, label) in the order of the table.
ROWS = [
    ("ac-md-json", "agentconv md → json"),
    ("ac-md-json-j1", "agentconv md → json, -j 1"),
    ("ac-md-yaml", "agentconv md → yaml"),
    ("ac-md-xml", "agentconv md → xml"),
    ("ac-json-md", "agentconv json → md"),
    ("ac-yaml-md", "agentconv yaml → md"),
    ("ac-xml-md", "agentconv xml → md"),
    ("graymatter", "gray-matter script md → json (Node.js)"),
    ("pyyaml", "PyYAML CSafeLoader script md → json"),
    ("cp", "cp -r (the floor)"),
]

SPEED_VS_GRAYMATTER = 5.0  # md -> json at least this many times faster
WITHIN_CP = 2.0  # md -> json at most this many times cp -r's time
MEMORY_MB = 32.0  # md -> json peak memory under this
EXTRAPOLATE = 10  # ... "whatever the library's size": up to 10 x N files


def faster(speedup):
    """`4.2× faster` for a speed-up of 4.2, `2.0× slower` for 0.5."""
    if speedup >= 1:
        return "%.2f× faster" % speedup
    return "%.2f× slower" % (1 / speedup)


def mb(kib):
    return kib * 1024 / 1e6


def main(argv):
    stand_in = "--stand-in" in argv
    args = [a for a in argv if a != "--stand-in"]
    if len(args) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    files = int(args[1])
    big_files = int(args[2]) if len(args) == 3 else 0

    times, rss, cpus = {}, {}, {}
    with open(args[0], encoding="utf-8") as f:
        for line in f:
            _, key, seconds, kib, cpu = line.rstrip("\n").split("\t")
            times.setdefault(key, []).append(float(seconds))
            cpus.setdefault(key, []).append(float(cpu))
            rss[key] = max(rss.get(key, 0), int(kib))

    med = {key: statistics.median(values) for key, values in times.items()}
    mark = " *" if stand_in else ""
    rounds = max(len(v) for k, v in times.items() if k != "ac-md-json-big")
    print("%d files, median of %d rounds%s" % (
        files, rounds, "; * = stand-in (a process per file), not the batch mode"
        if stand_in else ""))
    print()
    print("| command | median wall time | range | files/s | × cp -r "
          "| CPU time | peak memory |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for key, label in ROWS:
        if key not in med:
            continue
        star = mark if key.startswith("ac-") else ""
        print("| %s%s | %.3f s | %.3f–%.3f s | %s | %s | %.2f s | %.1f MB |" % (
            label, star, med[key], min(times[key]), max(times[key]),
            format(round(files / med[key]), ","),
            "%.2f" % (med[key] / med["cp"]) if "cp" in med else "–",
            statistics.median(cpus[key]), mb(rss[key])))
    if "ac-md-json-big" in med and big_files > 0:
        big = "ac-md-json-big"
        print("| agentconv md → json, %s files (one run)%s | %.3f s | | %s | | %.2f s | %.1f MB |"
              % (format(big_files, ","), mark, med[big],
                 format(round(big_files / med[big]), ","), cpus[big][0], mb(rss[big])))
    print()

    ac = med["ac-md-json"]
    results = []
    if "graymatter" in med:
        speedup = med["graymatter"] / ac
        results.append((speedup >= SPEED_VS_GRAYMATTER,
                        "md → json vs gray-matter: %s (target: at least %g× faster)"
                        % (faster(speedup), SPEED_VS_GRAYMATTER)))
    if "pyyaml" in med:
        print("      md → json vs PyYAML: %s (no target)" % faster(med["pyyaml"] / ac))
    if "cp" in med:
        ratio = ac / med["cp"]
        results.append((ratio <= WITHIN_CP,
                        "md → json vs cp -r: %.2f× cp's time (target: at most %g×)"
                        % (ratio, WITHIN_CP)))
    peaks = [(files, rss["ac-md-json"])]
    if "ac-md-json-big" in rss and big_files > 0:
        peaks.append((big_files, rss["ac-md-json-big"]))
    for n, kib in peaks:
        results.append((mb(kib) < MEMORY_MB,
                        "md → json peak memory on %s files: %.1f MB (target: under %g MB)"
                        % (format(n, ","), mb(kib), MEMORY_MB)))
    if len(peaks) == 2 and big_files > files:
        # "Whatever the library's size": how fast does it grow?
        # Extrapolated linearly from the two sizes; the target is read as
        # "still under 32 MB at EXTRAPOLATE times the library's size".
        per_file = (peaks[1][1] - peaks[0][1]) * 1024 / (big_files - files)
        far = EXTRAPOLATE * files
        if per_file > 0:
            limit = files + (MEMORY_MB * 1e6 - peaks[0][1] * 1024) / per_file
            results.append((limit > far,
                            "md → json peak memory grows by %.0f bytes per file (%s to %s "
                            "files): it reaches %g MB at about %s files (target: beyond %s)"
                            % (per_file, format(files, ","), format(big_files, ","),
                               MEMORY_MB, format(int(round(limit, -3)), ","),
                               format(far, ","))))
        else:
            results.append((True, "md → json peak memory does not grow from %s to %s files"
                            % (format(files, ","), format(big_files, ","))))
    for ok, text in results:
        print("%s  %s%s" % ("PASS" if ok else "FAIL", text,
                            " [stand-in, not the batch mode]" if stand_in else ""))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
