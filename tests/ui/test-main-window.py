#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Starts the built Terrarium and checks, the way a screen reader sees it,
# that the main window shows the empty state and that About opens.
#
# Meant to run under run-ui-test, which provides the X server and a private
# session bus.  Usage: test-main-window.py TERRARIUM_EXECUTABLE

import os
import subprocess
import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi, Gio, GLib  # noqa: E402

APP_ID = 'org.terrarium.Terrarium'
TIMEOUT = 30.0


class TestFailure(Exception):
    pass


def log(message):
    print(f'ui-test: {message}', flush=True)


def pump():
    # libatspi learns about new windows from bus signals, which are only
    # handled while the main context runs.
    context = GLib.MainContext.default()
    while context.iteration(False):
        pass


def wait_for(what, predicate, timeout=TIMEOUT):
    deadline = time.monotonic() + timeout
    while True:
        pump()
        try:
            result = predicate()
        except GLib.Error:
            # An object can vanish between listing and asking; try again.
            result = None
        if result:
            return result
        if time.monotonic() > deadline:
            raise TestFailure(f'timed out after {timeout:.0f} s waiting for {what}')
        time.sleep(0.1)


def children(accessible):
    for i in range(accessible.get_child_count()):
        child = accessible.get_child_at_index(i)
        if child is not None:
            yield child


def walk(accessible):
    yield accessible
    for child in children(accessible):
        yield from walk(child)


def find(root, role, name):
    for accessible in walk(root):
        if accessible.get_role() == role and accessible.get_name() == name:
            return accessible
    return None


def has_action(accessible):
    return 'Action' in accessible.get_interfaces() and accessible.get_n_actions() > 0


def find_actionable(root, roles, name):
    # A GtkMenuButton shows up as a labelled group wrapping the real,
    # clickable toggle button, which carries the same name.
    for accessible in walk(root):
        if accessible.get_role() in roles and accessible.get_name() == name and \
                has_action(accessible):
            return accessible
    return None


def dump(accessible, depth=0):
    try:
        line = f'{accessible.get_role_name()} "{accessible.get_name()}"'
    except GLib.Error as error:
        line = f'<gone: {error.message}>'
    print('  ' * depth + line)
    try:
        for child in children(accessible):
            dump(child, depth + 1)
    except GLib.Error:
        pass


def find_app(pid):
    desktop = Atspi.get_desktop(0)
    for app in children(desktop):
        if app.get_process_id() == pid:
            return app
    return None


def click(accessible):
    if not has_action(accessible):
        raise TestFailure(f'{accessible.get_role_name()} "{accessible.get_name()}" has no action')
    accessible.do_action(0)


def screenshot(name):
    directory = os.environ.get('TERRARIUM_UI_SCREENSHOT_DIR')
    if not directory:
        return
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, name)
    try:
        subprocess.run(['import', '-window', 'root', path],
                       check=True, timeout=20,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        log(f'screenshot saved to {path}')
    except (OSError, subprocess.SubprocessError) as error:
        # A missing screenshot is a loss for humans, not a test failure.
        log(f'could not take screenshot {path}: {error}')


def quit_app(app_process):
    # app.quit over the bus goes through the same path as Ctrl+Q (windows
    # close and save their state) without depending on keyboard focus.
    bus = Gio.bus_get_sync(Gio.BusType.SESSION, None)
    bus.call_sync(APP_ID, '/' + APP_ID.replace('.', '/'), 'org.gtk.Actions',
                  'Activate', GLib.Variant('(sava{sv})', ('quit', [], {})),
                  None, Gio.DBusCallFlags.NONE, 5000, None)
    try:
        return app_process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        raise TestFailure('app.quit did not make the app exit within 10 s')


def run(executable):
    Atspi.init()

    env = dict(os.environ)
    # A critical is a bug; make it end the process so the test notices.
    env['G_DEBUG'] = 'fatal-criticals'
    log(f'starting {executable}')
    app_process = subprocess.Popen([executable], env=env)
    app = None

    try:
        def app_on_bus():
            if app_process.poll() is not None:
                raise TestFailure(f'the app exited early with status {app_process.returncode}')
            return find_app(app_process.pid)

        app = wait_for('the app to appear on the accessibility bus', app_on_bus)
        log(f'app registered as "{app.get_name()}"')

        window = wait_for('a frame named "Terrarium"',
                          lambda: find(app, Atspi.Role.FRAME, 'Terrarium'))
        log('found the "Terrarium" window')

        wait_for('the label "No virtual machines yet"',
                 lambda: find(window, Atspi.Role.LABEL, 'No virtual machines yet'))
        log('found the empty-state title')

        create = wait_for('the push button "Create a Virtual Machine"',
                          lambda: find(window, Atspi.Role.PUSH_BUTTON, 'Create a Virtual Machine'))
        sensitive = create.get_state_set().contains(Atspi.StateType.SENSITIVE)
        log(f'found the "Create a Virtual Machine" button (sensitive: {sensitive})')

        screenshot('ui-main-window.png')

        menu_button = wait_for('a clickable "Main Menu" button',
                               lambda: find_actionable(window,
                                                       (Atspi.Role.TOGGLE_BUTTON,
                                                        Atspi.Role.PUSH_BUTTON),
                                                       'Main Menu'))
        log('found the primary menu button')
        click(menu_button)

        about_item = wait_for('the "About Terrarium" menu item',
                              lambda: find_actionable(window, (Atspi.Role.MENU_ITEM,),
                                                      'About Terrarium'))
        click(about_item)

        version = os.environ.get('TERRARIUM_VERSION', '')

        def about_window():
            for frame in children(app):
                if frame.get_role() not in (Atspi.Role.FRAME, Atspi.Role.DIALOG) or \
                        frame.get_name() == 'Terrarium':
                    continue
                if find(frame, Atspi.Role.LABEL, 'Terrarium') and \
                        (not version or find(frame, Atspi.Role.LABEL, version)):
                    return frame
            return None

        wait_for(f'an About window naming Terrarium {version}', about_window)
        log('About opened from the primary menu')
        if os.environ.get('TERRARIUM_UI_TEST_DUMP'):
            dump(app)
        screenshot('ui-about-window.png')

        status = quit_app(app_process)
        if status != 0:
            raise TestFailure(f'app exited with status {status} after app.quit')
        log('app quit cleanly')
    except TestFailure:
        if app is not None and app_process.poll() is None:
            print('Accessible tree of the app at the time of failure:')
            dump(app)
        raise
    finally:
        if app_process.poll() is None:
            app_process.terminate()
            try:
                app_process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                app_process.kill()
                app_process.wait()


def main():
    if len(sys.argv) != 2:
        print(f'usage: {sys.argv[0]} TERRARIUM_EXECUTABLE', file=sys.stderr)
        return 2
    try:
        run(sys.argv[1])
    except TestFailure as failure:
        log(f'FAIL: {failure}')
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
