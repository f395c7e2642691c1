#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# Medians and the markdown report of benchmarks/spice from its raw JSON lines.
#   summarize-spice.py RAW.jsonl --runs N --seconds S [--info KEY=VALUE]...
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from report import fmt, load, med  # noqa: E402


def main():
    rows, variants = load()
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
