#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The steps of test-app-run.sh, under tests/ui/run-ui-test (own Xvfb,
# session bus and XDG folders) inside the KVM sandbox:
#   1. a machine folder with the test guest (scenario "app": the pattern
#      through KMS plus an echo of input events on the serial console);
#   2. Run from the tile's menu; the machine's window opens;
#   3. the guest redraws at the display widget's size and the window's
#      pixels hold the pattern (pattern-check --contains);
#   4. a key and a click reach the guest; Pause and Resume work;
#      the tile gets a thumbnail;
#   5. kill -9 of the VMM: the window says the machine stopped unexpectedly
#      and the app lives on;
#   6. Restart; closing the window with "Keep Running" leaves the machine
#      running, and the tile's "Show Window" brings the window back;
#   7. quitting with "Keep Running" leaves the VMM running; a new app takes it
#      over, forces it off from the tile, and quits cleanly.
#
# Environment (from test-app-run.sh): TERRARIUM_TEST_KERNEL, _INITRD,
# _CMDLINE, _TIMEOUT, TERRARIUM_PATTERN_CHECK.
# Usage: test-app-run.py TERRARIUM_EXECUTABLE

import ctypes
import importlib.util
import os
import re
import signal
import subprocess
import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, Gio, GLib  # noqa: E402

_ui = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'ui')


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(_ui, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mw = _load('main_window', 'test-main-window.py')
ml = _load('machine_library', 'test-machine-library.py')
log, find, TestFailure = mw.log, mw.find, mw.TestFailure

MACHINE = 'App Test'
BOOT_TIMEOUT = float(os.environ.get('TERRARIUM_TEST_TIMEOUT', '240'))
SCALE = float(os.environ.get('TERRARIUM_TIMEOUT_SCALE', '1'))
SCREENSHOTS = os.environ.get('TERRARIUM_UI_SCREENSHOT_DIR')


def wait_for(what, predicate, timeout=30):
    # Everything is slower in the nested sandbox: the app starts, and GTK
    # draws with Mesa's softpipe, under emulation.
    return mw.wait_for(what, predicate, timeout * SCALE * 2)


class XTest:
    """Pointer and keys through the XTEST extension, as a person would.

    AT-SPI's generate_*_event goes through its registry daemon, which the
    session bus started before the X server existed, so it has no DISPLAY
    here; libXtst through ctypes needs no extra package."""

    def __init__(self):
        self.x11 = ctypes.CDLL('libX11.so.6')
        self.xtst = ctypes.CDLL('libXtst.so.6')
        self.x11.XOpenDisplay.restype = ctypes.c_void_p
        self.x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
        self.x11.XFlush.argtypes = [ctypes.c_void_p]
        self.x11.XSync.argtypes = [ctypes.c_void_p, ctypes.c_int]
        self.x11.XSetInputFocus.argtypes = [ctypes.c_void_p, ctypes.c_ulong, ctypes.c_int,
                                            ctypes.c_ulong]
        self.xtst.XTestFakeMotionEvent.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_int,
                                                   ctypes.c_int, ctypes.c_ulong]
        self.xtst.XTestFakeButtonEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                   ctypes.c_ulong]
        self.xtst.XTestFakeKeyEvent.argtypes = [ctypes.c_void_p, ctypes.c_uint, ctypes.c_int,
                                                ctypes.c_ulong]
        self.display = self.x11.XOpenDisplay(None)
        if not self.display:
            raise TestFailure('cannot open the X display')

    def _sync(self):
        self.x11.XSync(self.display, 0)

    def focus(self, window):
        # No window manager on Xvfb gives windows the keyboard focus.
        self.x11.XSetInputFocus(self.display, window, 2, 0)  # RevertToParent, CurrentTime
        self._sync()

    def move(self, x, y):
        self.xtst.XTestFakeMotionEvent(self.display, -1, x, y, 0)
        self._sync()

    def button(self, button, pressed):
        self.xtst.XTestFakeButtonEvent(self.display, button, int(pressed), 0)
        self._sync()

    def key(self, keycode, pressed):
        self.xtst.XTestFakeKeyEvent(self.display, keycode, int(pressed), 0)
        self._sync()


def click(accessible):
    # GTK runs the action before it replies: opening a window can take
    # longer than AT-SPI waits for a reply under emulation. The test looks at
    # what the click did, not at the reply.
    try:
        mw.click(accessible)
    except GLib.Error as error:
        log(f'no reply to the click ({error.message}); going on')


def open_machine_menu(app, window, machine, item):
    click(wait_for(f'the options button of "{machine}"',
                   lambda: ml.button(window, f'Options for {machine}')))
    click(wait_for(f'the menu item "{item}"',
                   lambda: mw.find_actionable(app, (Atspi.Role.MENU_ITEM,), item)))


def write_machine():
    folder = os.path.join(os.environ['XDG_DATA_HOME'], 'terrarium', 'machines', 'app-test')
    os.makedirs(folder)
    cmdline = os.environ['TERRARIUM_TEST_CMDLINE'] + ' terrarium.scenario=app'
    with open(os.path.join(folder, 'machine.ini'), 'w') as f:
        f.write('[machine]\n'
                f'name={MACHINE}\n'
                'memory=512M\n'
                'cpus=1\n'
                f'kernel={os.environ["TERRARIUM_TEST_KERNEL"]}\n'
                f'initrd={os.environ["TERRARIUM_TEST_INITRD"]}\n'
                f'cmdline={cmdline}\n'
                f'serial=file:{folder}/serial.log\n'
                '[display]\n'
                'scanouts=2\n')
    return folder


def serial(folder):
    try:
        with open(os.path.join(folder, 'serial.log'), errors='replace') as f:
            return f.read()
    except FileNotFoundError:
        return ''


def vmm_pid(folder):
    ini = os.path.join(folder, 'machine.ini')
    for entry in os.listdir('/proc'):
        if not entry.isdigit():
            continue
        try:
            with open(f'/proc/{entry}/cmdline', 'rb') as f:
                argv = f.read().split(b'\0')
        except OSError:
            continue
        if argv and argv[0].endswith(b'terrarium-vmm') and ini.encode() in argv:
            return int(entry)
    return None


def x_window(title):
    # "0x400007 "App Test": ("terrarium" "Terrarium")  1024x768+0+0  +0+0"
    tree = subprocess.run(['xwininfo', '-root', '-tree'], check=True, capture_output=True,
                          text=True).stdout
    for line in tree.splitlines():
        m = re.match(r'\s*(0x[0-9a-f]+) "' + re.escape(title) +
                     r'".*\s(\d+)x(\d+)\+-?\d+\+-?\d+\s+\+(-?\d+)\+(-?\d+)', line)
        if m:
            return m.group(1), [int(v) for v in m.group(2, 3, 4, 5)]
    return None


def check_pattern(window_id, width, height):
    path = os.path.join(SCREENSHOTS or '/tmp', 'app-run-window.png')
    subprocess.run(['import', '-window', window_id, path], check=True, timeout=60,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    result = subprocess.run([os.environ['TERRARIUM_PATTERN_CHECK'], '--contains', path,
                             str(width), str(height)], capture_output=True, text=True)
    log(f'pattern-check: {result.stdout.strip()}')
    return result.returncode == 0


def find_window(app, name):
    # A window opened again for a machine has shown up as a "filler" rather
    # than a frame over GTK 4.8's AT-SPI: the name, and being on screen, tell.
    for child in mw.children(app):
        if child.get_name() != name:
            continue
        if child.get_role() in (Atspi.Role.FRAME, Atspi.Role.DIALOG):
            return child
        if child.get_role() == Atspi.Role.FILLER and \
                child.get_state_set().contains(Atspi.StateType.VISIBLE):
            return child
    return None


def labelled_button(root, label):
    # A response of an AdwMessageDialog: a button holding a label.
    for accessible in mw.walk(root):
        if accessible.get_role() == Atspi.Role.PUSH_BUTTON and mw.has_action(accessible) and \
                find(accessible, Atspi.Role.LABEL, label):
            return accessible
    return None


def label_starting(root, prefix):
    for accessible in mw.walk(root):
        if accessible.get_role() == Atspi.Role.LABEL and \
                (accessible.get_name() or '').startswith(prefix):
            return accessible
    return None


def start_app(executable):
    env = dict(os.environ)
    env['G_DEBUG'] = 'fatal-criticals'
    app_process = subprocess.Popen([executable], env=env)
    app = wait_for('the app on the accessibility bus', lambda: mw.find_app(app_process.pid))
    window = wait_for('the main window', lambda: ml.find_frame(app, 'Terrarium'))
    wait_for(f'"{MACHINE}" in the grid', lambda: find(window, Atspi.Role.LABEL, MACHINE))
    return app_process, app, window


def ask_quit():
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    bus.call_sync(mw.APP_ID, '/' + mw.APP_ID.replace('.', '/'), 'org.gtk.Actions',
                  'Activate', GLib.Variant('(sava{sv})', ('quit', [], {})),
                  None, Gio.DBusCallFlags.NONE, 5000, None)


def run(executable):
    Atspi.init()
    # Milliseconds for a reply, and for an app to start answering.
    Atspi.set_timeout(int(30000 * SCALE), int(60000 * SCALE))
    folder = write_machine()
    app_process = None
    app = None
    try:
        app_process, app, window = start_app(executable)

        # 2. Run.
        open_machine_menu(app, window, MACHINE, 'Run')
        vm_window = wait_for("the machine's window", lambda: ml.find_frame(app, MACHINE))
        pid = wait_for('the terrarium-vmm process', lambda: vmm_pid(folder))
        log(f'terrarium-vmm runs as pid {pid}')

        # 3. The pattern, at the size of the display widget.
        display = wait_for('the display', lambda: find(vm_window, Atspi.Role.IMAGE,
                                                       'Virtual Machine Display'))
        wait_for('the first frame of the guest', lambda: 'drm-pattern: drew' in serial(folder),
                 BOOT_TIMEOUT / (SCALE * 2))
        extents = display.get_extents(Atspi.CoordType.WINDOW)
        size = f'{extents.width}x{extents.height}'
        log(f'the display widget is {size}')
        wait_for(f'the guest to redraw at {size}',
                 lambda: f'drm-pattern: drew {size}' in serial(folder), 120)
        xwin = wait_for('the X window of the machine', lambda: x_window(MACHINE))
        log(f'X window {xwin[0]} at {xwin[1]}')
        wait_for("the guest's pattern in the window",
                 lambda: check_pattern(xwin[0], extents.width, extents.height), 60)
        log('the window shows the pattern pixel for pixel')

        # The second display: its own window; the guest sees the monitor
        # connected at that window's size and draws on it too.
        second = wait_for('the window of display 2', lambda: x_window(f'{MACHINE} — Display 2'))
        drawn = wait_for('the guest to draw on display 2', lambda: re.findall(
            r'drm-pattern: drew (\d+)x(\d+) on display 2', serial(folder)), 120)
        time.sleep(3)  # the window settles at its size; the guest follows
        drawn = re.findall(r'drm-pattern: drew (\d+)x(\d+) on display 2', serial(folder))
        w2, h2 = (int(v) for v in drawn[-1])
        log(f'display 2: X window {second[0]}, the guest drew {w2}x{h2}')
        wait_for("the pattern in display 2's window",
                 lambda: check_pattern(second[0], w2, h2), 60)
        log('the second display shows the pattern pixel for pixel')

        # 4. Input: the pointer over the display, a click, a key (KEY_A).
        xtest = XTest()
        ox, oy, ww, wh = xwin[1][2], xwin[1][3], xwin[1][0], xwin[1][1]
        xtest.focus(int(xwin[0], 16))
        xtest.move(ox + ww // 2, oy + wh // 2)
        time.sleep(0.5)
        xtest.move(ox + ww // 2 + 10, oy + wh // 2 + 10)
        xtest.button(1, True)
        xtest.button(1, False)
        wait_for('the click in the guest',
                 lambda: re.search(r'type=1 code=272 value=0', serial(folder)), 60)
        if not re.search(r'type=3 code=0 value=', serial(folder)):
            raise TestFailure('no pointer motion reached the guest')
        # XKB keycode 38 is "a", evdev KEY_A (30).
        xtest.key(38, True)
        xtest.key(38, False)
        wait_for('the key in the guest',
                 lambda: re.search(r'type=1 code=30 value=0', serial(folder)), 60)
        log('pointer, click and key reached the guest')

        # Captured pointer: motion arrives as a relative mouse (EV_REL,
        # REL_X) until Left Ctrl + Left Alt gives the pointer back.
        click(wait_for('the Capture Pointer button',
                       lambda: ml.button(vm_window, 'Capture Pointer')))
        time.sleep(1)
        before = len(re.findall(r'type=2 code=0 value=', serial(folder)))
        xtest.move(ox + ww // 2 + 40, oy + wh // 2 + 25)
        time.sleep(0.3)
        xtest.move(ox + ww // 2 - 30, oy + wh // 2 + 25)
        wait_for('relative motion in the guest',
                 lambda: len(re.findall(r'type=2 code=0 value=', serial(folder))) > before, 60)
        log('the captured pointer moves the guest\'s mouse')
        mw.screenshot('app-run-captured.png')
        xtest.key(37, True)   # Control_L
        xtest.key(64, True)   # Alt_L
        xtest.key(64, False)
        xtest.key(37, False)
        time.sleep(1)
        absolute = len(re.findall(r'type=3 code=0 value=', serial(folder)))
        xtest.move(ox + ww // 3, oy + wh // 3)
        wait_for('absolute motion again after the release',
                 lambda: len(re.findall(r'type=3 code=0 value=', serial(folder))) > absolute, 60)
        log('Left Ctrl + Left Alt released the pointer')

        click(wait_for('the Pause button', lambda: ml.button(vm_window, 'Pause')))
        wait_for('"Paused" in the title', lambda: find(vm_window, Atspi.Role.LABEL, 'Paused'),
                 30)
        click(wait_for('the Resume button', lambda: ml.button(vm_window, 'Resume')))
        wait_for('"Paused" to go', lambda: not find(vm_window, Atspi.Role.LABEL, 'Paused'),
                 30)
        log('paused and resumed')

        thumbnail = os.path.join(folder, 'thumbnail.png')
        wait_for('a thumbnail', lambda: os.path.exists(thumbnail), 30)
        log('the running machine wrote its thumbnail')
        mw.screenshot('app-run-screen.png')

        # 5. The VMM dies.
        os.kill(pid, signal.SIGKILL)
        wait_for('"The virtual machine stopped unexpectedly"',
                 lambda: find(vm_window, Atspi.Role.LABEL,
                              'The virtual machine stopped unexpectedly'), 30)
        wait_for('the reason, signal 9', lambda: any(
            'signal 9' in (a.get_name() or '') for a in mw.walk(vm_window)
            if a.get_role() == Atspi.Role.LABEL))
        mw.screenshot('app-run-crashed.png')
        time.sleep(1)
        if app_process.poll() is not None:
            raise TestFailure(f'the app exited with {app_process.returncode}')
        wait_for('the main window, still there', lambda: ml.find_frame(app, 'Terrarium'))
        log('the app lives on after the VMM was killed')

        # 6. Restart, then close the window keeping the machine running; the
        # library brings the window back.
        restart = wait_for('the Restart button', lambda: ml.response_button(vm_window, 'Restart'))
        os.unlink(os.path.join(folder, 'serial.log'))
        click(restart)
        wait_for('the guest to draw again', lambda: 'drm-pattern: drew' in serial(folder),
                 BOOT_TIMEOUT / (SCALE * 2))
        click(wait_for('the window\'s Close button', lambda: ml.button(vm_window, 'Close')))
        click(wait_for('"Keep Running"', lambda: labelled_button(app, 'Keep Running')))
        # GTK 4.8 answers AT-SPI questions about a window that is being
        # destroyed with an invalid object path, a critical that
        # fatal-criticals turns into a crash: let it go before asking.
        time.sleep(2)
        wait_for('the machine\'s window to close', lambda: ml.find_frame(app, MACHINE) is None)
        wait_for('"Running" on the tile', lambda: label_starting(window, 'Running ·'))
        open_machine_menu(app, window, MACHINE, 'Show Window')
        vm_window = wait_for('the machine\'s window again', lambda: find_window(app, MACHINE))
        log('kept running without its window, and got it back')

        # 7. Quit, keeping it running; a new app finds it running.
        ask_quit()
        click(wait_for('"Keep Running" when quitting',
                       lambda: labelled_button(app, 'Keep Running')))
        try:
            status = app_process.wait(timeout=60 * SCALE)
        except subprocess.TimeoutExpired:
            raise TestFailure('the app did not quit')
        if status != 0:
            raise TestFailure(f'app exited with status {status}')
        pid = vmm_pid(folder)
        if pid is None:
            raise TestFailure('the VMM did not outlive the app')
        log(f'the app quit; terrarium-vmm {pid} runs on')
        app_process, app, window = start_app(executable)
        wait_for('"Running" on the tile of the new app',
                 lambda: label_starting(window, 'Running ·'))
        open_machine_menu(app, window, MACHINE, 'Force Off')
        wait_for('the VMM to end', lambda: vmm_pid(folder) is None, 60)
        wait_for('the tile to say it stopped', lambda: not label_starting(window, 'Running ·'))
        log('the new app took the running machine over and forced it off')

        status = mw.quit_app(app_process)
        if status != 0:
            raise TestFailure(f'app exited with status {status}')
    except TestFailure:
        if app is not None and app_process is not None and app_process.poll() is None:
            print('Accessible tree of the app at the time of failure:')
            mw.dump(app)
        print('--- serial console')
        print(serial(folder))
        try:
            with open(os.path.join(folder, 'vmm.log'), errors='replace') as f:
                print('--- vmm.log')
                print(f.read())
        except OSError:
            pass
        raise
    finally:
        pid = vmm_pid(folder)
        if pid:
            os.kill(pid, signal.SIGKILL)
        if app_process is not None and app_process.poll() is None:
            app_process.kill()
            app_process.wait()


def main():
    try:
        run(sys.argv[1])
    except TestFailure as failure:
        log(f'FAIL: {failure}')
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
