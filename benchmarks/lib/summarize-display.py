#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Medians and the markdown report of benchmarks/display from its raw JSON lines.
#   summarize-display.py RAW.jsonl --runs N --seconds S [--info KEY=VALUE]...
import json
import statistics
import sys


def med(vals):
    vals = [v for v in vals if v is not None]
    return statistics.median(vals) if vals else None


def fmt(v, digits=1):
    return "–" if v is None else f"{v:.{digits}f}"


def main():
    args = sys.argv[1:]
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
    print("| VMM | display | mode | fps (host clock) | fps (guest clock) | VMM CPU ms/frame (whole process) "
          "| VMM CPU ms/frame without vCPU threads | vCPU ms/frame | runs | notes |")
    print("|---|---|---|---:|---:|---:|---:|---:|---:|---|")
    for v in variants:
        good = [r["result"] for r in rows if r["variant"] == v and r["result"].get("frames")]
        total = len([r for r in rows if r["variant"] == v])
        disp = next(r.get("display", "") for r in rows if r["variant"] == v)
        mode = med([None]) if not good else good[0].get("mode")
        per = lambda key: med([1000 * g[key] / g["frames"] for g in good])
        notes = []
        if len(good) < total:
            notes.append(f"{total - len(good)} of {total} runs failed (see display/logs)")
        fps = [g["host_fps"] for g in good]
        if len(fps) > 1:
            notes.append(f"host fps {min(fps):.1f}–{max(fps):.1f}")
        print(f"| {v} | {disp} | {mode or '–'} | {fmt(med(fps), 2)} | {fmt(med([g['guest_fps'] for g in good]), 2)} "
              f"| {fmt(per('cpu_s'))} | {fmt(per('other_s'))} | {fmt(per('vcpu_s'))} | {len(good)} of {total} "
              f"| {'; '.join(notes)} |")
    print()
    print("Busiest threads over the measured window (CPU s, median run of each VMM):\n")
    for v in variants:
        good = [r["result"] for r in rows if r["variant"] == v and r["result"].get("frames")]
        if not good:
            continue
        good.sort(key=lambda g: g["cpu_s"])
        g = good[len(good) // 2]
        top = sorted(g["threads"].items(), key=lambda kv: -kv[1])[:5]
        print(f"- {v}: " + ", ".join(f"`{n}` {s:.2f}" for n, s in top) +
              f" (process {g['cpu_s']:.2f} s for {g['frames']} frames in {g['host_s']:.1f} s)")


if __name__ == "__main__":
    main()
