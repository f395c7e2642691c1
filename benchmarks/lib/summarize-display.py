#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Medians and the markdown report of benchmarks/display from its raw JSON lines.
#   summarize-display.py RAW.jsonl --runs N --seconds S [--info KEY=VALUE]...
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import fmt, load, med  # noqa: E402


def main():
    rows, variants = load()
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
