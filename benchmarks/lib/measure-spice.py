#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
# One measured VMM run for benchmarks/spice: the VMM serves SPICE on PORT and
# this script is its client.
#
#   measure-spice.py --port PORT [--timeout S] [--log FILE] -- COMMAND [ARG...]
#
# Starts COMMAND with its stdout (the guest's serial console) on a pipe and
# connects a SpiceClientGLib session to 127.0.0.1:PORT (retrying until the
# VMM listens). The guest (benchmarks/guest/fbbench) fills each frame with one
# colour that changes every frame, so a frame has reached the client when the
# last pixel of the client's copy of the display changes: counted after every
# display update. Between the guest's "fbbench: begin" and "fbbench: frames="
# lines (host wall clock) it counts those frames and the bytes the client's
# display channel read. Prints one JSON object:
#   frames, guest_s, guest_fps (the guest's own count and clock), host_s,
#   client_frames, client_fps (client_frames / host_s), bytes (display
#   channel), bytes_per_frame (bytes / client_frames), mode, rc, lines.
import ctypes
import json
import re
import subprocess
import sys
import threading
import time

import gi

gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import GLib, GObject, SpiceClientGLib as Spice  # noqa: E402


class Client:
    def __init__(self, port):
        self.port = port
        self.session = None
        self.display = None
        self.data = None          # (address, width, height, stride) of the primary
        self.last = None
        self.frames = 0
        self.primaries = 0        # primary surfaces the client was given
        self.events = []          # display channel events, for the record

    def start(self):
        self.session = Spice.Session()
        self.session.set_property("host", "127.0.0.1")
        self.session.set_property("port", str(self.port))
        GObject.Object.connect(self.session, "channel-new", self.on_channel)
        self.session.connect()

    def on_channel(self, session, channel):
        if isinstance(channel, Spice.DisplayChannel) and channel.get_property("channel-id") == 0:
            self.display = channel
            GObject.Object.connect(channel, "display-primary-create", self.on_primary)
            GObject.Object.connect(channel, "display-primary-destroy", self.on_destroy)
            GObject.Object.connect(channel, "display-invalidate", self.on_invalidate)
            GObject.Object.connect(channel, "channel-event",
                                   lambda c, e: self.events.append(e.value_nick))
            channel.connect()

    def on_primary(self, channel, fmt, width, height, stride, shmid, imgdata):
        self.data = (imgdata, width, height, stride)
        self.primaries += 1

    def on_destroy(self, channel):
        self.data = None

    def on_invalidate(self, channel, x, y, w, h):
        if not self.data:
            return
        addr, width, height, stride = self.data
        if y + h < height:
            return
        pixel = ctypes.string_at(addr + (height - 1) * stride + (width - 1) * 4, 4)
        if pixel != self.last:
            self.last = pixel
            self.frames += 1

    def read_bytes(self):
        return self.display.get_property("total-read-bytes") if self.display else 0


def main():
    args = sys.argv[1:]
    timeout, log, port = 900.0, None, None
    while args and args[0] != "--":
        opt = args.pop(0)
        if opt == "--timeout":
            timeout = float(args.pop(0))
        elif opt == "--log":
            log = args.pop(0)
        elif opt == "--port":
            port = int(args.pop(0))
        else:
            sys.exit(f"measure-spice.py: unknown option {opt}")
    cmd = args[1:]
    if not cmd or not port:
        sys.exit("usage: measure-spice.py --port PORT [--timeout S] [--log FILE] -- COMMAND...")

    logf = open(log, "wb") if log else None
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    client = Client(port)
    state = {"begin": None, "end": None, "result": {}, "mode": None, "lines": [], "done": False}
    loop = GLib.MainLoop()

    # Serial lines arrive on a thread; the marks are taken on the main loop,
    # where the client's counters live.
    def mark(which, text):
        snap = (time.monotonic(), client.frames, client.read_bytes())
        state[which] = snap
        if which == "end":
            m = re.search(r"frames=(\d+) seconds=([\d.]+) guest-fps=([\d.]+)", text)
            if m:
                state["result"] = {"frames": int(m.group(1)), "guest_s": float(m.group(2)),
                                   "guest_fps": float(m.group(3))}
        return False

    def reader():
        for raw in proc.stdout:
            if logf:
                logf.write(raw)
                logf.flush()
            text = raw.decode("utf-8", "replace").rstrip("\r\n")
            if "fbbench:" in text:
                state["lines"].append(text[text.index("fbbench:"):])
            if "fbbench: begin" in text:
                GLib.idle_add(mark, "begin", text)
            elif "fbbench: frames=" in text:
                GLib.idle_add(mark, "end", text)
            m = re.search(r"fbbench: mode (\S+)", text)
            if m:
                state["mode"] = m.group(1)
        GLib.idle_add(loop.quit)

    def connect_when_listening():
        if client.session is not None:
            return False
        try:
            import socket
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
        except OSError:
            return True
        client.start()
        state["connected_at"] = "after begin" if state["begin"] else "before begin"
        return False

    threading.Thread(target=reader, daemon=True).start()
    GLib.timeout_add(100, connect_when_listening)
    GLib.timeout_add(int(timeout * 1000), lambda: (proc.kill(), False)[1])
    loop.run()
    rc = proc.wait()
    if logf:
        logf.close()

    out = {"mode": state["mode"], "rc": rc, "lines": state["lines"],
           "display_events": client.events, "primaries": client.primaries,
           "connected_at": state.get("connected_at")}
    begin, end = state["begin"], state["end"]
    if begin and end and state["result"].get("frames"):
        host_s = end[0] - begin[0]
        frames = end[1] - begin[1]
        nbytes = end[2] - begin[2]
        out.update(state["result"])
        out.update({
            "host_s": round(host_s, 3),
            "client_frames": frames,
            "client_fps": round(frames / host_s, 3) if host_s > 0 else None,
            "bytes": nbytes,
            "bytes_per_frame": round(nbytes / frames) if frames else None,
        })
    print(json.dumps(out))


if __name__ == "__main__":
    main()
