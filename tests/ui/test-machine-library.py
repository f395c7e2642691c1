#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Drives the app as a person using a screen reader would, over AT-SPI: creates a virtual machine in the create dialog, finds it in the
# grid and its folder on disk, renames it in its settings, deletes it.
#
# Meant to run under run-ui-test (own X server, session bus and XDG folders).
# Usage: test-machine-library.py TERRARIUM_EXECUTABLE

import importlib.util
import os
import subprocess
import sys

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    'main_window', os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                'test-main-window.py'))
mw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mw)
log, wait_for, find, walk, TestFailure = mw.log, mw.wait_for, mw.find, mw.walk, mw.TestFailure


def machines_dir():
    return os.path.join(os.environ['XDG_DATA_HOME'], 'terrarium', 'machines')


def machine_files():
    root = machines_dir()
    if not os.path.isdir(root):
        return []
    return [os.path.join(root, d, 'machine.ini') for d in os.listdir(root)
            if not d.startswith('.')]


def type_into(root, row_name, text):
    # An AdwEntryRow is itself the text object, named by its title. Text goes
    # in through AT-SPI's EditableText, as an assistive technology (or
    # dogtail) types it; GTK 4.8 takes no focus requests over AT-SPI, and with
    # no window manager on Xvfb synthesized keys have no focused window.
    def entry():
        for accessible in walk(root):
            if accessible.get_role() in (Atspi.Role.ENTRY, Atspi.Role.TEXT) and \
                    accessible.get_name() == row_name:
                return accessible
        return None

    target = wait_for(f'an editable "{row_name}" row', entry)
    if not target.set_text_contents(text):
        raise TestFailure(f'could not type into "{row_name}"')
    wait_for(f'"{row_name}" to read "{text}"',
             lambda: target.get_text(0, target.get_character_count()) == text, 10)


def find_frame(app, name):
    for frame in mw.children(app):
        if frame.get_name() == name and frame.get_role() in (Atspi.Role.FRAME, Atspi.Role.DIALOG):
            return frame
    return None


def showing(accessible):
    return accessible is not None and \
        accessible.get_state_set().contains(Atspi.StateType.SHOWING)


def sensitive(accessible):
    return accessible.get_state_set().contains(Atspi.StateType.SENSITIVE)


def button(root, name):
    return mw.find_actionable(root, (Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON), name)


def response_button(app, label):
    # GTK 4.8 names a mnemonic button "_Delete Delete": match its label.
    for accessible in walk(app):
        if accessible.get_role() == Atspi.Role.PUSH_BUTTON and mw.has_action(accessible) and \
                accessible.get_name().split(' ')[-1] == label and \
                find(accessible, Atspi.Role.LABEL, label):
            return accessible
    return None


def open_machine_menu(app, window, machine, item):
    menu = wait_for(f'the options button of "{machine}"',
                    lambda: button(window, f'Options for {machine}'))
    mw.click(menu)
    entry = wait_for(f'the menu item "{item}"',
                     lambda: mw.find_actionable(app, (Atspi.Role.MENU_ITEM,), item))
    mw.click(entry)


def run(executable):
    Atspi.init()
    kernel = os.path.join(os.environ['XDG_DATA_HOME'], 'vmlinuz-test')
    with open(kernel, 'wb') as f:
        f.write(b'a stand-in: the dialog checks that a kernel is readable')

    env = dict(os.environ)
    env['G_DEBUG'] = 'fatal-criticals'
    app_process = subprocess.Popen([executable], env=env)
    app = None
    try:
        app = wait_for('the app on the accessibility bus', lambda: mw.find_app(app_process.pid))
        window = wait_for('the main window', lambda: find_frame(app, 'Terrarium'))

        # Create.
        # "Create a Virtual Machine" opens the install wizard; a Linux kernel
        # booted directly is the secondary way.
        mw.click(wait_for('"Boot a Linux Kernel…"',
                          lambda: button(window, 'Boot a Linux Kernel…')))
        dialog = wait_for('the "New Virtual Machine" dialog',
                          lambda: find_frame(app, 'New Virtual Machine'))
        create = wait_for('the Create button', lambda: button(dialog, 'Create'))
        if sensitive(create):
            raise TestFailure('Create is enabled on an empty form')
        type_into(dialog, 'Name', 'Test Machine')
        type_into(dialog, 'Linux Kernel', kernel)
        type_into(dialog, 'Kernel Command Line', 'console=ttyS0')
        wait_for('Create to become enabled', lambda: sensitive(create))
        mw.screenshot('ui-create-dialog.png')
        mw.click(create)
        wait_for('the dialog to close', lambda: find_frame(app, 'New Virtual Machine') is None)
        wait_for('"Test Machine" in the grid',
                 lambda: find(window, Atspi.Role.LABEL, 'Test Machine'))
        if showing(find(window, Atspi.Role.LABEL, 'No virtual machines yet')):
            raise TestFailure('the empty state is still shown beside a machine')
        files = wait_for('a machine folder on disk', machine_files)
        with open(files[0]) as f:
            ini = f.read()
        for needle in ('name=Test Machine', 'kernel=' + kernel, 'cmdline=console=ttyS0'):
            if needle not in ini:
                raise TestFailure(f'machine.ini lacks "{needle}":\n{ini}')
        disk = os.path.join(os.path.dirname(files[0]), 'disk0.img')
        if not os.path.isfile(disk):
            raise TestFailure('the disk image was not created')
        log(f'created {files[0]}')
        mw.screenshot('ui-library.png')

        # Rename through the settings dialog.
        open_machine_menu(app, window, 'Test Machine', 'Settings')
        settings = wait_for('the settings dialog',
                            lambda: find_frame(app, 'Test Machine Settings'))
        type_into(settings, 'Name', 'Renamed Machine')
        save = wait_for('the Save button', lambda: button(settings, 'Save'))
        wait_for('Save to be enabled', lambda: sensitive(save))
        # Network settings: a bad forward is named and blocks Save.
        forwards = 'Port Forwards (like tcp:2222-:22; separated by ;)'
        type_into(settings, forwards, 'tcp:99999-:22')
        wait_for('Save to be disabled by a bad forward', lambda: not sensitive(save))
        wait_for('the message naming the forward',
                 lambda: any('tcp:99999-:22' in (a.get_name() or '')
                             for a in walk(settings)
                             if a.get_role() in (Atspi.Role.LABEL, Atspi.Role.ALERT)))
        type_into(settings, forwards, 'tcp:2222-:22')
        isolated = wait_for('the Isolated switch', lambda: mw.find_actionable(
            settings, tuple(r for r in (getattr(Atspi.Role, 'SWITCH', None), Atspi.Role.TOGGLE_BUTTON,
                                        Atspi.Role.CHECK_BOX) if r is not None), 'Isolated'))
        mw.click(isolated)
        wait_for('Save to be enabled', lambda: sensitive(save))
        mw.screenshot('ui-settings-dialog.png')
        mw.click(save)
        wait_for('"Renamed Machine" in the grid',
                 lambda: find(window, Atspi.Role.LABEL, 'Renamed Machine'))
        with open(files[0]) as f:
            ini = f.read()
        for needle in ('name=Renamed Machine', 'isolated=true', 'forwards=tcp:127.0.0.1:2222-:22'):
            if needle not in ini:
                raise TestFailure(f'machine.ini lacks "{needle}" after Save:\n{ini}')
        log('renamed')

        # Delete.
        open_machine_menu(app, window, 'Renamed Machine', 'Delete…')
        confirm = wait_for('the delete confirmation', lambda: response_button(app, 'Delete'))
        mw.click(confirm)
        wait_for('the machine folder to go', lambda: not os.path.exists(os.path.dirname(files[0])))
        wait_for('the machine to leave the grid',
                 lambda: find(window, Atspi.Role.LABEL, 'Renamed Machine') is None)
        # (GTK 4.8 does not refresh the empty page's SHOWING state over
        # AT-SPI when the stack switches back; the screenshot shows it.)
        mw.screenshot('ui-after-delete.png')
        log('deleted')

        status = mw.quit_app(app_process)
        if status != 0:
            raise TestFailure(f'app exited with status {status}')
    except TestFailure:
        if app is not None and app_process.poll() is None:
            print('Accessible tree of the app at the time of failure:')
            mw.dump(app)
        raise
    finally:
        if app_process.poll() is None:
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
