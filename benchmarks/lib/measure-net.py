#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# One measured VMM run for benchmarks/net.
#
#   measure-net.py --echo PORT --sink PORT [--timeout S] [--log FILE] -- COMMAND...
#
# Serves, on the host's 127.0.0.1, a TCP echo server and a sink that reads
# until EOF and then closes, runs COMMAND (a VMM whose guest runs
# benchmarks/guest/netbench.c through its user networking, slirp's 10.0.2.2
# being this 127.0.0.1) with its serial console on a pipe, and prints one
# JSON object: the guest's round-trip figures, the guest's and the sink's
# throughput (sink: first byte to EOF), rc.
import json
import re
import socket
import subprocess
import sys
import threading
import time


def serve_echo(sock):
    while True:
        conn, _ = sock.accept()
        conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        with conn:
            while True:
                data = conn.recv(65536)
                if not data:
                    break
                conn.sendall(data)


def serve_sink(sock, result):
    conn, _ = sock.accept()
    total, first = 0, None
    with conn:
        while True:
            data = conn.recv(1 << 20)
            if not data:
                break
            if first is None:
                first = time.monotonic()
            total += len(data)
    end = time.monotonic()
    result["sink_bytes"] = total
    if first is not None and end > first:
        result["sink_mbps"] = total / (end - first) / 1e6


def listen(port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("127.0.0.1", port))
    s.listen(4)
    return s


def main():
    args = sys.argv[1:]
    echo, sink, timeout, log = None, None, 600.0, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--echo":
            echo = int(args.pop(0))
        elif opt == "--sink":
            sink = int(args.pop(0))
        elif opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--log":
            log = args.pop(0)
        else:
            sys.exit(f"measure-net.py: unknown option {opt}")
    cmd = args[1:]
    if not echo or not sink or not cmd:
        sys.exit("usage: measure-net.py --echo PORT --sink PORT [--timeout S] [--log F] -- CMD...")

    result = {}
    threading.Thread(target=serve_echo, args=(listen(echo),), daemon=True).start()
    threading.Thread(target=serve_sink, args=(listen(sink), result), daemon=True).start()
    logf = open(log, "wb") if log else None
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    timer = threading.Timer(timeout, proc.kill)
    timer.start()
    for line in proc.stdout:
        if logf:
            logf.write(line)
        text = line.decode("utf-8", "replace")
        m = re.search(r"netbench: rtt_us median=([\d.]+) p90=([\d.]+) min=([\d.]+)", text)
        if m:
            result.update(rtt_median_us=float(m[1]), rtt_p90_us=float(m[2]),
                          rtt_min_us=float(m[3]))
        m = re.search(r"netbench: tx mib=\d+ seconds=([\d.]+) mbps=([\d.]+)", text)
        if m:
            result.update(guest_tx_s=float(m[1]), guest_mbps=float(m[2]))
    proc.wait()
    timer.cancel()
    result["rc"] = proc.returncode
    print(json.dumps(result))


if __name__ == "__main__":
    main()
