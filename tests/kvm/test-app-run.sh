#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The app end to end on real KVM: Terrarium under Xvfb, driven over AT-SPI
# (tests/ui/run-ui-test gives it a session bus and throwaway XDG folders),
# runs a machine from its tile's menu; the machine's window shows the
# guest's test pattern, keys and clicks typed into it reach the guest, and
# when the VMM is killed the window says so while the app lives on; a machine
# kept running without its window, or across a restart of the app, stays
# under the app's control.
# The steps are in test-app-run.py.
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m virtio_gpu -m virtio_input)
make_guest

# Mesa's llvmpipe JIT has crashed on the nested sandbox's emulated CPU;
# softpipe has no JIT, but under emulation GTK's GL renderer took 20 to 40 s
# per frame with it. GTK's cairo renderer draws the same window in software
# without Mesa; the pixels checked are the same (the display is unscaled).
export GALLIUM_DRIVER=softpipe LIBGL_ALWAYS_SOFTWARE=1 GSK_RENDERER=cairo
export TERRARIUM_TEST_KERNEL=$kernel TERRARIUM_TEST_INITRD=$initrd
export TERRARIUM_TEST_CMDLINE="$guest_cmdline"
export TERRARIUM_TEST_TIMEOUT=$vmm_timeout
export TERRARIUM_PATTERN_CHECK=${TERRARIUM_BUILD_ROOT:?}/tests/pattern-check
export TERRARIUM_UI_SCREENSHOT_DIR=$TERRARIUM_BUILD_ROOT/meson-logs
export GSETTINGS_SCHEMA_DIR=$TERRARIUM_BUILD_ROOT/data
# The frame rate and paint time of the display, for the record.
export TERRARIUM_DISPLAY_STATS=1
unset DISPLAY
# The sandbox's root (and so $HOME) is read-only: the accessibility bus,
# which the session bus starts, puts its socket in XDG_RUNTIME_DIR or ~/.cache.
export HOME=$work/home XDG_RUNTIME_DIR=$work/runtime
mkdir -p "$HOME" && mkdir -m 700 "$XDG_RUNTIME_DIR"
"$top/tests/ui/run-ui-test" "$top/tests/kvm/test-app-run.py" "$TERRARIUM_BUILD_ROOT/src/terrarium"
status=$?
[ "$status" = 0 ] && pass "the app ran the machine" || fail "test-app-run.py exited with $status"
finish
