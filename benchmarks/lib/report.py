# SPDX-License-Identifier: GPL-3.0-or-later
# What the summarize-*.py scripts share: their command line, the raw JSON
# lines of a benchmark run, and the head of the markdown report.
import json
import statistics
import sys


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def load(argv=None):
    """RAW.jsonl --runs N --seconds S [--info KEY=VALUE]...: prints the
    report's heading and returns (rows, variants in first-seen order)."""
    args = list(sys.argv[1:] if argv is None else argv)
    raw = args.pop(0)
    runs, seconds, info = 0, 0, []
    while args:
        opt = args.pop(0)
        if opt == "--runs":
            runs = int(args.pop(0))
        elif opt == "--seconds":
            seconds = args.pop(0)
        elif opt == "--info":
            info.append(args.pop(0))
    rows = [json.loads(line) for line in open(raw) if line.strip()]
    variants = []
    for r in rows:
        if r["variant"] not in variants:
            variants.append(r["variant"])

    print("### Results\n")
    for i in info:
        k, _, v = i.partition("=")
        print(f"- {k}: {v}")
    print(f"- {runs} run(s) per VMM, interleaved; medians shown; each run redraws for {seconds} s of guest time\n")
    return rows, variants
