#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# One measured VMM run for benchmarks/display.
#
#   measure-display.py [--timeout S] [--log FILE] -- COMMAND [ARG...]
#
# Starts COMMAND with its stdout (the guest's serial console) on a pipe. When
# the guest's benchmarks/guest/fbbench prints "fbbench: begin" it snapshots the
# VMM's CPU time (utime+stime, /proc/PID/stat, which includes threads that
# already exited) and each thread's (/proc/PID/task/*/stat), and again when
# "fbbench: frames=..." arrives. vCPU threads are recognised by name
# (terrarium-vmm: "vcpuN", QEMU: "CPU N/KVM"). Prints one JSON object:
#   frames, guest_s, guest_fps (the guest's own count and clock),
#   host_s (host wall time between the two lines), host_fps (frames / host_s),
#   cpu_s (whole process), vcpu_s (vCPU threads), other_s (cpu_s - vcpu_s),
#   threads ({name: cpu seconds} over the window), mode, rc, lines.
import json
import os
import re
import subprocess
import sys
import threading
import time

TCK = os.sysconf("SC_CLK_TCK")
VCPU = re.compile(r"^(vcpu\d+|CPU \d+/KVM)$")


def stat_ticks(path):
    with open(path) as f:
        data = f.read()
    name = data[data.index("(") + 1:data.rindex(")")]
    fields = data[data.rindex(")") + 2:].split()
    return name, int(fields[11]) + int(fields[12])  # utime, stime


def snapshot(pid):
    _, total = stat_ticks(f"/proc/{pid}/stat")
    threads = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        try:
            threads[tid] = stat_ticks(f"/proc/{pid}/task/{tid}/stat")
        except (OSError, ValueError):
            pass
    return time.monotonic(), total, threads


def main():
    args = sys.argv[1:]
    timeout, log = 900.0, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--log":
            log = args.pop(0)
        else:
            sys.exit(f"measure-display.py: unknown option {opt}")
    cmd = args[1:]
    if not cmd:
        sys.exit("usage: measure-display.py [--timeout S] [--log FILE] -- COMMAND...")

    logf = open(log, "wb") if log else None
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    killer = threading.Timer(timeout, proc.kill)
    killer.start()
    begin = end = None
    result, mode, lines = {}, None, []
    for raw in proc.stdout:
        if logf:
            logf.write(raw)
            logf.flush()
        text = raw.decode("utf-8", "replace").rstrip("\r\n")
        if "fbbench:" in text:
            lines.append(text[text.index("fbbench:"):])
        try:
            if begin is None and "fbbench: begin" in text:
                begin = snapshot(proc.pid)
            elif begin is not None and end is None and "fbbench: frames=" in text:
                end = snapshot(proc.pid)
                m = re.search(r"frames=(\d+) seconds=([\d.]+) guest-fps=([\d.]+)", text)
                if m:
                    result = {"frames": int(m.group(1)), "guest_s": float(m.group(2)),
                              "guest_fps": float(m.group(3))}
                # The guest powers off next; do not wait forever if it does not.
                killer.cancel()
                killer = threading.Timer(120, proc.kill)
                killer.start()
        except (OSError, ValueError):
            pass
        m = re.search(r"fbbench: mode (\S+)", text)
        if m:
            mode = m.group(1)
    rc = proc.wait()
    killer.cancel()
    if logf:
        logf.close()

    out = {"mode": mode, "rc": rc, "lines": lines}
    if begin and end and result.get("frames"):
        host_s = end[0] - begin[0]
        cpu_s = (end[1] - begin[1]) / TCK
        threads, vcpu_s = {}, 0.0
        for tid, (name, ticks) in end[2].items():
            before = begin[2].get(tid, (name, 0))[1]
            sec = (ticks - before) / TCK
            threads[name] = round(threads.get(name, 0.0) + sec, 3)
            if VCPU.match(name):
                vcpu_s += sec
        out.update(result)
        out.update({
            "host_s": round(host_s, 3),
            "host_fps": round(result["frames"] / host_s, 3) if host_s > 0 else None,
            "cpu_s": round(cpu_s, 3),
            "vcpu_s": round(vcpu_s, 3),
            "other_s": round(cpu_s - vcpu_s, 3),
            "threads": threads,
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
