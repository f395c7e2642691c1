#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# One run for benchmarks/app-vm-display: the app runs a VM whose guest
# (benchmarks/guest/fbbench.c) redraws full 1920x1080 frames; the VM window
# shows them.
#
#   measure-app-display.py --app TERRARIUM --home DIR --machine NAME [--timeout S]
#
# DIR holds data/ (the library, with the machine), config/, cache/, run/.
# Starts the app with TERRARIUM_DISPLAY_STATS=1 and --run NAME, follows the
# machine's serial log (data/terrarium/machines/*/serial.log) and, between the
# guest's "fbbench: begin" and "fbbench: frames=" lines, measures the CPU time
# of the app and of its terrarium-vmm. The app's display logs, every 5 s,
# frames shown, paint time and the time from a Damage signal to the end of
# the paint that showed it; the stats lines inside the window are averaged.
# Prints one JSON object.
import argparse
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time

TCK = os.sysconf("SC_CLK_TCK")
STATS = re.compile(r"display (\d+)x(\d+): ([\d.]+) frames/s, ([\d.]+) damage/s, ([\d.]+) ms per "
                   r"paint, ([\d.]+) ms damage to screen, ([\d.]+) ms CPU per frame")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            data = f.read()
    except OSError:
        return None
    fields = data[data.rindex(")") + 2:].split()
    return (int(fields[11]) + int(fields[12])) / TCK


def find_pid(executable):
    """The process running @executable (bytes, a path ending)."""
    for entry in glob.glob("/proc/[0-9]*/cmdline"):
        try:
            with open(entry, "rb") as f:
                cmd = f.read().split(b"\0")
        except OSError:
            continue
        if cmd and cmd[0].endswith(executable):
            return int(entry.split("/")[2])
    return None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--app", required=True)
    p.add_argument("--home", required=True)
    p.add_argument("--machine", required=True)
    p.add_argument("--timeout", type=float, default=900)
    a = p.parse_args()
    env = dict(os.environ, TERRARIUM_DISPLAY_STATS="1", XDG_DATA_HOME=f"{a.home}/data",
               XDG_CONFIG_HOME=f"{a.home}/config", XDG_CACHE_HOME=f"{a.home}/cache",
               XDG_RUNTIME_DIR=f"{a.home}/run", GSETTINGS_BACKEND="memory", NO_AT_BRIDGE="1")
    errlog = open(f"{a.home}/app.log", "w")
    # A session bus of its own, as in a desktop session (GApplication, a11y).
    app = subprocess.Popen(["dbus-run-session", "--", a.app, "--run", a.machine], env=env,
                           stdin=subprocess.DEVNULL,
                           stdout=errlog, stderr=subprocess.STDOUT, start_new_session=True)
    deadline = time.monotonic() + a.timeout
    serial = None
    begin = end = None
    result = {"rc": None}
    try:
        while time.monotonic() < deadline:
            time.sleep(0.2)
            if serial is None:
                logs = glob.glob(f"{a.home}/data/terrarium/machines/*/serial.log")
                serial = logs[0] if logs else None
                continue
            with open(serial, errors="replace") as f:
                text = f.read()
            if begin is None and "fbbench: begin" in text:
                vmm = find_pid(b"terrarium-vmm")
                app_pid = find_pid(b"/terrarium")
                begin = (time.monotonic(), cpu_seconds(app_pid), vmm, cpu_seconds(vmm))
                stats_from = os.path.getsize(f"{a.home}/app.log")
            m = re.search(r"fbbench: frames=(\d+) seconds=([\d.]+)", text)
            if begin is not None and m:
                end = (time.monotonic(), cpu_seconds(app_pid), cpu_seconds(begin[2]))
                frames, guest_s = int(m.group(1)), float(m.group(2))
                break
            if app.poll() is not None:
                result["rc"] = app.returncode
                break
        if begin is None or end is None:
            result["error"] = "no complete fbbench run (see app.log and serial.log)"
            print(json.dumps(result))
            return 1
        host_s = end[0] - begin[0]
        with open(f"{a.home}/app.log", errors="replace") as f:
            f.seek(stats_from)
            stats = [tuple(float(x) for x in m.groups()) for m in STATS.finditer(f.read())]
        stats = [s for s in stats if s[0] >= 1000]  # the 1080p ones, not the boot console's
        mean = (lambda i: round(sum(s[i] for s in stats) / len(stats), 2)) if stats else (lambda i: None)
        app_cpu = end[1] - begin[1]
        shown = mean(2) * host_s if stats else None
        result.update({
            "frames": frames, "guest_s": guest_s, "guest_fps": round(frames / guest_s, 2),
            "host_s": round(host_s, 2),
            "app_fps": mean(2), "paint_ms": mean(4), "damage_to_screen_ms": mean(5),
            "app_cpu_ms_per_shown_frame": round(app_cpu * 1000 / shown, 2) if shown else None,
            "vmm_cpu_ms_per_guest_frame": round((end[2] - begin[3]) * 1000 / frames, 2),
            "stats_lines": len(stats), "mode": f"{int(stats[0][0])}x{int(stats[0][1])}" if stats else None,
        })
        print(json.dumps(result))
        return 0
    finally:
        try:
            os.killpg(app.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
        v = find_pid(b"terrarium-vmm")
        if v:
            os.kill(v, signal.SIGKILL)
        try:
            app.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)


if __name__ == "__main__":
    sys.exit(main())
