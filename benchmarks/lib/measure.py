#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# One measured VMM run for benchmarks/vmm-core.
#
#   measure.py --marker TEXT [--timeout S] [--log FILE] -- COMMAND [ARG...]
#
# Starts COMMAND with its stdout (the guest's serial console) on a pipe, reads
# it as it arrives and notes the time from just before the process is spawned
# to the first line containing TEXT. Meanwhile it samples /proc/PID/status
# every 20 ms for VmHWM (the kernel's own peak-RSS counter) and RssShmem
# (guest RAM, which both VMMs keep in a memfd). Prints one JSON object:
#   boot_s, hwm_kib, shmem_kib, anonfile_kib (peak RssAnon+RssFile),
#   rc, exited (by itself, after the guest powered off), lines (matching
#   "blkbench:" lines from the guest).
import json
import os
import subprocess
import sys
import threading
import time


def main():
    args = sys.argv[1:]
    marker, timeout, log = None, 600.0, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--marker":
            marker = args.pop(0)
        elif opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--log":
            log = args.pop(0)
        else:
            sys.exit(f"measure.py: unknown option {opt}")
    cmd = args[1:]
    if not marker or not cmd:
        sys.exit("usage: measure.py --marker TEXT [--timeout S] [--log FILE] -- COMMAND...")

    logf = open(log, "wb") if log else None
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    peak = {"VmHWM": 0, "RssShmem": 0, "anonfile": 0}
    done = threading.Event()

    def sample():
        path = f"/proc/{proc.pid}/status"
        while not done.is_set():
            try:
                with open(path) as f:
                    vals = {}
                    for line in f:
                        k, _, v = line.partition(":")
                        if k in ("VmHWM", "RssShmem", "RssAnon", "RssFile"):
                            vals[k] = int(v.split()[0])
            except (OSError, ValueError):
                break
            if "VmHWM" not in vals:  # a zombie has no memory lines
                break
            peak["VmHWM"] = max(peak["VmHWM"], vals["VmHWM"])
            peak["RssShmem"] = max(peak["RssShmem"], vals.get("RssShmem", 0))
            peak["anonfile"] = max(peak["anonfile"], vals.get("RssAnon", 0) + vals.get("RssFile", 0))
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()

    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    boot_s, lines, finished_at = None, [], None
    for raw in proc.stdout:
        now = time.monotonic()
        if logf:
            logf.write(raw)
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if boot_s is None and marker in text:
            boot_s = now - t0
        if text.startswith("blkbench:"):
            lines.append(text)
        # The guest is done: if the VMM does not exit on poweroff, stop it.
        if finished_at is None and "terrarium-scenario:" in text and (": PASS" in text or ": FAIL" in text):
            finished_at = now
            killer.cancel()
            killer = threading.Timer(60, proc.kill)
            killer.start()
    rc = proc.wait()
    killer.cancel()
    done.set()
    sampler.join()
    if logf:
        logf.close()
    print(json.dumps({
        "boot_s": boot_s,
        "hwm_kib": peak["VmHWM"],
        "shmem_kib": peak["RssShmem"],
        "anonfile_kib": peak["anonfile"],
        "rc": rc,
        "exited": rc == 0 or (rc is not None and rc > 0),
        "lines": lines,
    }))


if __name__ == "__main__":
    main()
