#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# The install wizard, driven over AT-SPI: a text file opened with the app
# shows an error and creates nothing; an ISO with Debian 11's volume ID (made
# here with xorriso) shows Debian 11 and osinfo-db's recommendations; going
# through Resources and Review to Create leaves a machine folder whose
# machine.ini boots firmware from that ISO; Eject Disc in the machine's
# window empties the drive in machine.ini.
#
# Files reach the running app the way the file manager sends them:
# `terrarium FILE` (GApplication open). A drop on the window takes the same
# path (terrarium_window_open_iso), which Xvfb cannot drive without a window
# manager and a drag source. The VMM is /bin/false: the machine is not
# started for real here (no KVM); the kvm suite boots firmware.
#
# Meant to run under run-ui-test. Usage: test-install-wizard.py TERRARIUM_EXECUTABLE

import importlib.util
import os
import shutil
import subprocess
import sys
import time

import gi

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

_here = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location('main_window',
                                               os.path.join(_here, 'test-main-window.py'))
mw = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(mw)
_spec = importlib.util.spec_from_file_location('machine_library',
                                               os.path.join(_here, 'test-machine-library.py'))
ml = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(ml)
log, wait_for, find, walk, TestFailure = mw.log, mw.wait_for, mw.find, mw.walk, mw.TestFailure

WIZARD = 'Install an Operating System'
DEBIAN_VOLUME_ID = 'Debian 11.6.0 amd64 1'


def make_iso(path, volume_id):
    root = path + '.d'
    os.makedirs(root, exist_ok=True)
    # El Torito needs a boot image; osinfo only looks for its presence.
    with open(os.path.join(root, 'boot.img'), 'wb') as f:
        f.write(bytes(2048))
    subprocess.run(['xorriso', '-as', 'mkisofs', '-quiet', '-V', volume_id,
                    '-b', 'boot.img', '-no-emul-boot', '-o', path, root],
                   check=True, stdout=subprocess.DEVNULL)


def label_containing(root, text):
    for accessible in walk(root):
        # Error labels have the alert role.
        if accessible.get_role() in (Atspi.Role.LABEL, Atspi.Role.ALERT) and \
                text in (accessible.get_name() or ''):
            return accessible
    return None


def machine_dirs():
    root = ml.machines_dir()
    if not os.path.isdir(root):
        return []
    return sorted(os.listdir(root))


def open_with_app(executable, path):
    # A second `terrarium FILE` hands the file to the running instance over
    # D-Bus and exits.
    subprocess.run([executable, path], check=True, timeout=30)


def run(executable):
    Atspi.init()
    data = os.environ['XDG_DATA_HOME']
    iso = os.path.join(data, 'debian-11.6.0-amd64-netinst.iso')
    make_iso(iso, DEBIAN_VOLUME_ID)
    text = os.path.join(data, 'notes.iso')
    with open(text, 'w') as f:
        f.write('Not a disc image, whatever its name says.\n')

    env = dict(os.environ)
    env['G_DEBUG'] = 'fatal-criticals'
    env['TERRARIUM_VMM'] = '/bin/false'
    # OVMF "installed" whatever this host has: new machines default to UEFI.
    ovmf = os.path.join(data, 'OVMF_CODE_4M.fd')
    open(ovmf, 'wb').close()
    env['TERRARIUM_OVMF_CODE'] = ovmf
    app_process = subprocess.Popen([executable], env=env)
    app = None
    try:
        app = wait_for('the app on the accessibility bus', lambda: mw.find_app(app_process.pid))
        window = wait_for('the main window', lambda: ml.find_frame(app, 'Terrarium'))
        wait_for('the empty state', lambda: find(window, Atspi.Role.LABEL,
                                                 'No virtual machines yet'))

        # Not an ISO: the error is on the Source page, and nothing is made.
        open_with_app(executable, text)
        wizard = wait_for('the wizard', lambda: ml.find_frame(app, WIZARD))
        error = wait_for('the "not an ISO" error',
                         lambda: label_containing(wizard, 'is not a CD or DVD image'))
        log(f'error shown: {error.get_name()}')
        next_button = wait_for('the Next button', lambda: ml.button(wizard, 'Next'))
        if ml.sensitive(next_button):
            raise TestFailure('Next is enabled after an error')
        mw.screenshot('ui-wizard-error.png')
        if machine_dirs():
            raise TestFailure(f'a folder appeared after the error: {machine_dirs()}')
        mw.click(wait_for('Cancel', lambda: ml.button(wizard, 'Cancel')))
        # GTK 4.8 answers AT-SPI with a NULL object path (a critical, fatal
        # here) when asked about a toplevel that is halfway through being
        # destroyed: give it a moment before looking.
        time.sleep(1)
        wait_for('the wizard to close', lambda: ml.find_frame(app, WIZARD) is None)

        # Debian 11: named, with osinfo-db's recommendations.
        open_with_app(executable, iso)
        wizard = wait_for('the wizard', lambda: ml.find_frame(app, WIZARD))
        wait_for('"Debian 11" on the Source page', lambda: find(wizard, Atspi.Role.LABEL,
                                                                 'Debian 11'))
        for needle in ('1 GiB recommended, at least 1 GiB',
                       '20 GiB recommended, at least 10 GiB',
                       'UEFI or BIOS'):
            wait_for(f'"{needle}"', lambda: find(wizard, Atspi.Role.LABEL, needle))
        log('Source page: Debian 11 with its recommended resources')
        mw.screenshot('ui-wizard-source.png')

        next_button = wait_for('Next to be enabled',
                               lambda: ml.sensitive(ml.button(wizard, 'Next'))
                               and ml.button(wizard, 'Next'))
        mw.click(next_button)
        wait_for('the Name row with the OS name',
                 lambda: next((a for a in walk(wizard)
                               if a.get_role() in (Atspi.Role.ENTRY, Atspi.Role.TEXT)
                               and a.get_name() == 'Name'
                               and a.get_text(0, a.get_character_count()) == 'Debian 11'),
                             None))
        # (GTK 4.8 does not update SHOWING over AT-SPI when a GtkStack
        # switches pages; the screenshots show which page is up.)
        ml.type_into(wizard, 'Name', 'My Debian')
        mw.screenshot('ui-wizard-resources.png')
        mw.click(wait_for('Next to be enabled',
                          lambda: ml.sensitive(ml.button(wizard, 'Next'))
                          and ml.button(wizard, 'Next')))

        create = wait_for('the Create button', lambda: ml.button(wizard, 'Create'))
        wait_for('the summary naming the ISO', lambda: find(wizard, Atspi.Role.LABEL, iso))
        wait_for('the summary naming the machine',
                 lambda: find(wizard, Atspi.Role.LABEL, 'My Debian'))
        mw.screenshot('ui-wizard-review.png')
        wait_for('Create to be enabled', lambda: ml.sensitive(create))
        mw.click(create)
        # Creating takes a moment; then the wizard closes (see above).
        files = wait_for('a machine folder on disk', ml.machine_files, 60)
        time.sleep(1)
        wait_for('the wizard to close', lambda: ml.find_frame(app, WIZARD) is None, 60)

        folder = os.path.dirname(files[0])
        with open(files[0]) as f:
            ini = f.read()
        log(f'machine.ini:\n{ini}')
        firmware = 'uefi'
        needles = ['name=My Debian', 'boot-order=cdrom,disk', 'firmware=uefi',
                   'uefi-vars=' + os.path.join(folder, 'uefi-vars.fd'),
                   '[cdrom]', f'path={iso}', 'memory=1G', os.path.join(folder, 'disk0.img')]
        for needle in needles:
            if needle not in ini:
                raise TestFailure(f'machine.ini lacks "{needle}"')
        if 'kernel=' in ini:
            raise TestFailure('a firmware machine has a kernel')
        if not os.path.isfile(os.path.join(folder, 'disk0.img')):
            raise TestFailure('the disk image was not created')
        wait_for('"My Debian" in the grid', lambda: find(window, Atspi.Role.LABEL, 'My Debian'))
        log(f'created {folder}')
        mw.screenshot('ui-wizard-created.png')

        # The machine started (here: a VMM that exits at once) in its window,
        # whose menu ejects the installer: the next start boots the disk.
        vm_window = wait_for('the machine\'s window', lambda: ml.find_frame(app, 'My Debian'))
        mw.click(wait_for('the machine menu',
                          lambda: mw.find_actionable(vm_window, (Atspi.Role.TOGGLE_BUTTON,
                                                                 Atspi.Role.PUSH_BUTTON),
                                                     'Virtual Machine Menu')))
        mw.click(wait_for('"Eject Disc"',
                          lambda: mw.find_actionable(app, (Atspi.Role.MENU_ITEM,), 'Eject Disc')))

        def ejected():
            with open(files[0]) as f:
                text = f.read()
            return '[cdrom]' in text and f'path={iso}' not in text
        wait_for('machine.ini to have an empty drive', ejected)
        log('ejected: the drive is empty in machine.ini')

        # Its settings dialog has no kernel to ask for and saves.
        ml.open_machine_menu(app, window, 'My Debian', 'Settings')
        settings = wait_for('the settings dialog', lambda: ml.find_frame(app, 'My Debian Settings'))
        ml.type_into(settings, 'Name', 'Installed Debian')
        save = wait_for('the Save button', lambda: ml.button(settings, 'Save'))
        wait_for('Save to be enabled', lambda: ml.sensitive(save))
        mw.screenshot('ui-wizard-settings.png')
        mw.click(save)

        def renamed():
            with open(files[0]) as f:
                text = f.read()
            return 'name=Installed Debian' in text and text
        ini = wait_for('the new name in machine.ini', renamed)
        if f'firmware={firmware}' not in ini or 'kernel=' in ini:
            raise TestFailure(f'the settings dialog changed how the machine boots:\n{ini}')
        log('renamed in its settings; still a firmware machine')

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
    if not shutil.which('xorriso'):
        log('SKIP: xorriso is not installed (tools/install-deps)')
        return 77
    try:
        run(sys.argv[1])
    except TestFailure as failure:
        log(f'FAIL: {failure}')
        return 1
    log('PASS')
    return 0


if __name__ == '__main__':
    sys.exit(main())
