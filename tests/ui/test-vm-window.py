#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Runs a machine whose kernel is not a kernel, with the real terrarium-vmm
# (no KVM needed: it refuses the file before touching /dev/kvm): the tile's
# menu offers Run, the machine's window opens and says that it stopped
# unexpectedly with the VMM's own words from vmm.log, Restart tries again,
# and the app survives all of it. Booting a real guest is the kvm suite's
# app-run test.
#
# Meant to run under run-ui-test. Usage: test-vm-window.py TERRARIUM_EXECUTABLE

import importlib.util
import os
import subprocess
import sys

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

_here = os.path.dirname(os.path.abspath(__file__))


def _load(name, file):
    spec = importlib.util.spec_from_file_location(name, os.path.join(_here, file))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


mw = _load('main_window', 'test-main-window.py')
ml = _load('machine_library', 'test-machine-library.py')
log, wait_for, find, TestFailure = mw.log, mw.wait_for, mw.find, mw.TestFailure

MACHINE = 'Not Bootable'


def write_machine():
    folder = os.path.join(os.environ['XDG_DATA_HOME'], 'terrarium', 'machines', 'not-bootable')
    os.makedirs(folder)
    kernel = os.path.join(folder, 'vmlinuz')
    with open(kernel, 'w') as f:
        f.write('this is not a kernel\n')
    with open(os.path.join(folder, 'machine.ini'), 'w') as f:
        f.write(f'[machine]\nname={MACHINE}\nmemory=64M\nkernel={kernel}\nserial=none\n')
    return folder


def label_containing(root, text):
    for accessible in mw.walk(root):
        if accessible.get_role() == Atspi.Role.LABEL and text in (accessible.get_name() or ''):
            return accessible
    return None


def run(executable):
    Atspi.init()
    folder = write_machine()
    if not os.environ.get('TERRARIUM_VMM'):
        raise TestFailure('TERRARIUM_VMM is not set')

    env = dict(os.environ)
    env['G_DEBUG'] = 'fatal-criticals'
    app_process = subprocess.Popen([executable], env=env)
    app = None
    try:
        app = wait_for('the app on the accessibility bus', lambda: mw.find_app(app_process.pid))
        window = wait_for('the main window', lambda: ml.find_frame(app, 'Terrarium'))
        wait_for(f'"{MACHINE}" in the grid', lambda: find(window, Atspi.Role.LABEL, MACHINE))

        ml.open_machine_menu(app, window, MACHINE, 'Run')
        vm_window = wait_for('the machine\'s window', lambda: ml.find_frame(app, MACHINE))
        wait_for('"The virtual machine stopped unexpectedly"',
                 lambda: find(vm_window, Atspi.Role.LABEL,
                              'The virtual machine stopped unexpectedly'))
        wait_for('the VMM\'s reason from vmm.log',
                 lambda: label_containing(vm_window, 'not a bzImage'))
        with open(os.path.join(folder, 'vmm.log')) as f:
            log(f'vmm.log: {f.read().strip()}')
        mw.screenshot('ui-vm-failed.png')

        restart = wait_for('the Restart button', lambda: ml.response_button(vm_window, 'Restart'))
        os.unlink(os.path.join(folder, 'vmm.log'))
        mw.click(restart)
        wait_for('a new vmm.log from the restart',
                 lambda: os.path.exists(os.path.join(folder, 'vmm.log')))
        wait_for('the failure again after Restart',
                 lambda: label_containing(vm_window, 'not a bzImage'))
        if app_process.poll() is not None:
            raise TestFailure('the app exited')

        # Nothing runs: quitting asks nothing, and a stopped machine's window
        # closes like any other.
        mw.quit_app(app_process)
        status = app_process.returncode
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
