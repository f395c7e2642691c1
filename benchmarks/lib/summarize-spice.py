#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Medians and the markdown report of benchmarks/spice from its raw JSON lines.
#   summarize-spice.py RAW.jsonl --runs N --seconds S [--info KEY=VALUE]...
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
    print("| VMM | SPICE server | mode | fps reaching the client | guest fps (host clock) "
          "| KiB per frame (display channel) | KiB/s | runs | notes |")
    print("|---|---|---|---:|---:|---:|---:|---:|---|")
    for v in variants:
        good = [r["result"] for r in rows if r["variant"] == v and r["result"].get("client_frames")]
        total = len([r for r in rows if r["variant"] == v])
        server = next(r.get("server", "") for r in rows if r["variant"] == v)
        mode = good[0].get("mode") if good else None
        notes = []
        if len(good) < total:
            notes.append(f"{total - len(good)} of {total} runs failed (see spice/logs)")
        fps = [g["client_fps"] for g in good]
        if len(fps) > 1:
            notes.append(f"client fps {min(fps):.1f}–{max(fps):.1f}")
        print(f"| {v} | {server} | {mode or '–'} | {fmt(med(fps), 2)} "
              f"| {fmt(med([g['frames'] / g['host_s'] for g in good]), 2)} "
              f"| {fmt(med([g['bytes_per_frame'] / 1024 for g in good]))} "
              f"| {fmt(med([g['bytes'] / g['host_s'] / 1024 for g in good]))} "
              f"| {len(good)} of {total} | {'; '.join(notes)} |")


if __name__ == "__main__":
    main()
