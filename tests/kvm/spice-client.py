#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scripted SPICE client and D-Bus helper for test-vmm-spice.sh.

  spice-client.py input PORT WIDTH HEIGHT   keys, tablet, buttons, wheel, then
                                            server mouse mode and relative motion
  spice-client.py replace PORT              a second client replaces the first
  spice-client.py vv SOCKET OUT             GetSpiceConnectionFile into OUT
  spice-client.py signals SOCKET OUT        SpiceClient* signals, one a line, until killed
  spice-client.py record PORT OUT SECONDS   the playback channel's PCM (raw, as it comes)
                                            into OUT until a stream stopped or SECONDS

Needs python3-gi and gir1.2-spiceclientglib-2.0 (run it with /usr/bin/python3).
Prints what it did; exits non-zero when something did not happen.
"""
import ctypes
import sys

import gi

gi.require_version("SpiceClientGLib", "2.0")
from gi.repository import Gio, GLib, GObject, SpiceClientGLib as Spice  # noqa: E402

MOUSE_MODE_SERVER, MOUSE_MODE_CLIENT = 1, 2
BUTTON_LEFT, BUTTON_UP = 1, 4
BUTTON_MASK_LEFT = 1
# PC AT set-1 scancodes as spice-gtk takes them.
SC_LSHIFT, SC_A = 0x2A, 0x1E
TIMEOUT_S = 60 * int(GLib.getenv("TERRARIUM_TIMEOUT_SCALE") or "1")


def run_until(loop_ctx, pred, seconds=TIMEOUT_S):
    deadline = GLib.get_monotonic_time() + seconds * 1000000
    while not pred():
        if GLib.get_monotonic_time() > deadline:
            return False
        loop_ctx.iteration(False) or GLib.usleep(2000)
    return True


def pump(ctx, seconds):
    end = GLib.get_monotonic_time() + int(seconds * 1000000)
    while GLib.get_monotonic_time() < end:
        ctx.iteration(False) or GLib.usleep(2000)


class Client:
    """One SPICE session; records its main and inputs channels' events."""

    def __init__(self, port):
        self.session = Spice.Session()
        self.session.set_property("host", "127.0.0.1")
        self.session.set_property("port", str(port))
        self.main = self.inputs = None
        self.main_events = []
        self.inputs_open = False
        self.mouse_mode = 0
        GObject.Object.connect(self.session, "channel-new", self.on_channel)

    def on_channel(self, session, channel):
        if isinstance(channel, Spice.MainChannel):
            self.main = channel
            GObject.Object.connect(channel, "channel-event", lambda c, e: self.main_events.append(e))
            GObject.Object.connect(channel, "notify::mouse-mode", self.on_mouse_mode)
        elif isinstance(channel, Spice.InputsChannel):
            self.inputs = channel
            GObject.Object.connect(channel, "channel-event", self.on_inputs_event)
            # Only the main channel connects by itself.
            channel.connect()

    def on_mouse_mode(self, channel, pspec):
        self.mouse_mode = channel.get_property("mouse-mode")

    def on_inputs_event(self, channel, event):
        if event == Spice.ChannelEvent.OPENED:
            self.inputs_open = True

    def open(self):
        return self.session.connect()

    def close(self):
        self.session.disconnect()


def cmd_input(port, width, height):
    ctx = GLib.MainContext.default()
    c = Client(port)
    if not c.open() or not run_until(ctx, lambda: c.inputs_open and c.mouse_mode):
        print("inputs channel did not open")
        return 1
    print("mouse mode", c.mouse_mode)
    if not run_until(ctx, lambda: c.mouse_mode == MOUSE_MODE_CLIENT, 10):
        print("client mouse mode was not granted")
        return 1
    pump(ctx, 0.5)
    i = c.inputs
    for call in (lambda: i.key_press(SC_LSHIFT), lambda: i.key_press(SC_A),
                 lambda: i.key_release(SC_A), lambda: i.key_release(SC_LSHIFT),
                 lambda: i.position(width - 1, 0, 0, 0),
                 lambda: i.button_press(BUTTON_LEFT, BUTTON_MASK_LEFT),
                 lambda: i.button_release(BUTTON_LEFT, 0),
                 lambda: i.button_press(BUTTON_UP, 0),
                 lambda: i.button_release(BUTTON_UP, 0)):
        call()
        pump(ctx, 0.3)
    # Server mouse mode: relative motion goes to the mouse.
    c.main.request_mouse_mode(MOUSE_MODE_SERVER)
    if not run_until(ctx, lambda: c.mouse_mode == MOUSE_MODE_SERVER, 10):
        print("server mouse mode was not granted")
        return 1
    pump(ctx, 0.5)
    i.motion(5, -3, 0)
    pump(ctx, 1)
    # Put the client mode back for whoever comes next.
    c.main.request_mouse_mode(MOUSE_MODE_CLIENT)
    pump(ctx, 1)
    c.close()
    pump(ctx, 0.5)
    print("input sent")
    return 0


def cmd_replace(port):
    ctx = GLib.MainContext.default()
    first, second = Client(port), Client(port)
    if not first.open() or not run_until(ctx, lambda: Spice.ChannelEvent.OPENED in first.main_events):
        print("the first client did not connect")
        return 1
    pump(ctx, 1)
    if not second.open() or not run_until(ctx, lambda: Spice.ChannelEvent.OPENED in second.main_events):
        print("the second client did not connect")
        return 1
    gone = run_until(ctx, lambda: any(e != Spice.ChannelEvent.OPENED for e in first.main_events),
                     20)
    pump(ctx, 1)
    still = Spice.ChannelEvent.CLOSED not in second.main_events and len(second.main_events) == 1
    print("first client events:", [e.value_nick for e in first.main_events])
    print("second client events:", [e.value_nick for e in second.main_events])
    second.close()
    first.close()
    pump(ctx, 0.5)
    return 0 if gone and still else 1


def cmd_record(port, out, seconds):
    ctx = GLib.MainContext.default()
    session = Spice.Session()
    session.set_property("host", "127.0.0.1")
    session.set_property("port", str(port))
    # Without it the session makes no playback channel; nothing here asks
    # spice-gtk to play the sound itself (spice_audio_get), we record it.
    session.set_property("enable-audio", True)
    state = {"started": 0, "stopped": False, "bytes": 0, "opened": False}
    f = open(out, "wb")

    def on_start(channel, fmt, channels, rate):
        state["started"] += 1
        print("playback-start format=%d channels=%d rate=%d" % (fmt, channels, rate), flush=True)

    def on_data(channel, data, size):
        chunk = ctypes.string_at(data, size) if isinstance(data, int) else bytes(data)[:size]
        f.write(chunk)
        state["bytes"] += size

    def on_stop(channel):
        print("playback-stop after %d bytes" % state["bytes"], flush=True)
        state["stopped"] = state["bytes"] > 0

    def on_event(channel, event):
        if event == Spice.ChannelEvent.OPENED:
            state["opened"] = True
            print("playback channel open", flush=True)

    def on_channel(session, channel):
        if isinstance(channel, Spice.PlaybackChannel):
            GObject.Object.connect(channel, "playback-start", on_start)
            GObject.Object.connect(channel, "playback-data", on_data)
            GObject.Object.connect(channel, "playback-stop", on_stop)
            GObject.Object.connect(channel, "channel-event", on_event)
            channel.connect()

    GObject.Object.connect(session, "channel-new", on_channel)
    if not session.connect():
        print("cannot connect")
        return 1
    run_until(ctx, lambda: state["stopped"], seconds)
    session.disconnect()
    f.close()
    print("recorded %d bytes" % state["bytes"])
    return 0 if state["bytes"] else 1


def control(socket):
    return Gio.DBusConnection.new_for_address_sync(
        "unix:path=" + socket, Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT, None, None)


def cmd_vv(socket, out):
    conn = control(socket)
    reply = conn.call_sync(None, "/org/terrarium/Terrarium/Vmm", "org.terrarium.Terrarium.Vmm1",
                           "GetSpiceConnectionFile", None, GLib.VariantType("(s)"),
                           Gio.DBusCallFlags.NONE, -1, None)
    with open(out, "w") as f:
        f.write(reply.unpack()[0])
    print(open(out).read())
    return 0


def cmd_signals(socket, out):
    conn = control(socket)
    f = open(out, "w", buffering=1)

    def on_signal(conn, sender, path, iface, name, params):
        f.write("%s %s\n" % (name, params.unpack()[0]))

    conn.signal_subscribe(None, "org.terrarium.Terrarium.Vmm1", None, None, None,
                          Gio.DBusSignalFlags.NONE, on_signal)
    f.write("listening\n")
    GLib.MainLoop().run()
    return 0


def main(argv):
    cmd, args = argv[1], argv[2:]
    if cmd == "input":
        return cmd_input(int(args[0]), int(args[1]), int(args[2]))
    if cmd == "replace":
        return cmd_replace(int(args[0]))
    if cmd == "vv":
        return cmd_vv(args[0], args[1])
    if cmd == "signals":
        return cmd_signals(args[0], args[1])
    if cmd == "record":
        return cmd_record(int(args[0]), args[1], int(args[2]))
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
