#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Checks flatpak/org.terrarium.Terrarium.json offline (these machines cannot
# download a runtime to build it): the fields flatpak-builder needs, the
# permissions the app needs and no broad ones, sources that exist or are
# pinned, and config options that meson knows.

import json
import os
import re
import sys

top = os.environ['TERRARIUM_SOURCE_ROOT']
manifest_path = os.path.join(top, 'flatpak', 'org.terrarium.Terrarium.json')
failures = []


def fail(message):
    failures.append(message)
    print(f'FAIL: {message}')


with open(manifest_path) as f:
    manifest = json.load(f)

for key, want in (('id', 'org.terrarium.Terrarium'), ('runtime', 'org.gnome.Platform'),
                  ('sdk', 'org.gnome.Sdk'), ('command', 'terrarium')):
    if manifest.get(key) != want:
        fail(f'"{key}" is {manifest.get(key)!r}, expected {want!r}')
if not re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))):
    fail('"runtime-version" is not a GNOME release number')

# The app's own id must match what meson builds into the app.
with open(os.path.join(top, 'meson.build')) as f:
    if f"app_id = '{manifest.get('id')}'" not in f.read():
        fail('the manifest id differs from meson.build\'s app_id')

args = manifest.get('finish-args', [])
for needed, why in (('--device=kvm', 'KVM'), ('--device=dri', 'GPU access'),
                    ('--socket=wayland', 'Wayland'), ('--socket=fallback-x11', 'X11'),
                    ('--socket=pulseaudio', 'sound'), ('--share=network', 'guest networking'),
                    ('--share=ipc', 'X11 shared memory')):
    if needed not in args:
        fail(f'finish-args lacks {needed} ({why})')
for arg in args:
    # ISOs come through the file chooser and drag and drop (document portal).
    if arg in ('--device=all', '--filesystem=host', '--filesystem=home', '--filesystem=host:ro',
               '--filesystem=home:ro') or arg.startswith('--filesystem=/'):
        fail(f'finish-args has the broad permission {arg}')

known_builtins = {'buildtype', 'prefix', 'libdir', 'werror', 'warning_level', 'default_library',
                  'b_lto', 'b_ndebug', 'optimization', 'debug', 'strip'}
project_options = set()
for name in ('meson_options.txt', 'meson.options'):
    path = os.path.join(top, name)
    if os.path.exists(path):
        with open(path) as f:
            project_options |= set(re.findall(r"option\(\s*'([^']+)'", f.read()))

modules = manifest.get('modules', [])
names = [m.get('name') for m in modules if isinstance(m, dict)]
if not modules or names[-1] != 'terrarium':
    fail('the last module must be terrarium itself')
for needed in ('spice-server', 'libslirp'):
    # Not in the GNOME runtime, and the VMM links them.
    if needed not in names:
        fail(f'no module builds {needed}')
for module in modules:
    if not isinstance(module, dict):
        fail(f'module {module!r} is not an inline object')
        continue
    name = module.get('name')
    if not name or not module.get('buildsystem') or not module.get('sources'):
        fail(f'module {name!r} needs name, buildsystem and sources')
    for source in module.get('sources', []):
        kind = source.get('type')
        if kind in ('dir', 'file', 'patch'):
            path = os.path.normpath(os.path.join(os.path.dirname(manifest_path), source.get('path', '')))
            if not os.path.exists(path):
                fail(f'module {name}: source {source.get("path")} does not exist')
        elif kind in ('git',):
            if not (source.get('tag') or source.get('commit')):
                fail(f'module {name}: git source without a tag or commit is not reproducible')
            if not source.get('url', '').startswith('https://'):
                fail(f'module {name}: git source is not https')
        elif kind == 'archive':
            if not source.get('sha256'):
                fail(f'module {name}: archive without sha256')
        else:
            fail(f'module {name}: unknown source type {kind!r}')
    if name == 'terrarium':
        for opt in module.get('config-opts', []):
            m = re.fullmatch(r'-D([A-Za-z0-9_]+)=.*', opt)
            if not m:
                fail(f'terrarium: config-opt {opt!r} is not -Dname=value')
            elif m.group(1) not in known_builtins | project_options:
                fail(f'terrarium: meson has no option {m.group(1)!r}')

if failures:
    sys.exit(1)
print(f'{os.path.relpath(manifest_path, top)}: {len(modules)} modules, {len(args)} permissions, all checks pass')
