#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-gpu and virtio-input end to end: a guest program draws the test
# pattern through KMS and the VMM's screenshot matches it pixel for pixel, also
# after the host resizes the display; the kernel's text console shows up; keys
# and pointer events injected over D-Bus reach the guest in order; and the SDL
# window under Xvfb shows the guest's pattern.
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m virtio_gpu -m virtio_input)
make_guest
check=${TERRARIUM_BUILD_ROOT:?}/tests/pattern-check
sock=$work/control.sock

vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@" >/dev/null
}

# 1 and 2: the pattern, then the resize.
start_vmm display "$work/display.log" --control "$sock"
if wait_for "$work/display.log" '^drm-pattern: drew 1024x768' "$vmm_timeout"; then
  sleep 1
  vmm_call ScreenshotToFile 0 "$work/shot1.png" && "$check" "$work/shot1.png" 1024 768 &&
    pass "screenshot equals the guest's pattern" || fail "screenshot differs from the pattern"
  vmm_call SetDisplaySize 0 1280 720 || fail "SetDisplaySize failed"
  if wait_for "$work/display.log" '^drm-pattern: drew 1280x720' 120; then
    sleep 1
    vmm_call ScreenshotToFile 0 "$work/shot2.png" && "$check" "$work/shot2.png" 1280 720 &&
      pass "after the resize the screenshot is 1280x720 and correct" || fail "screenshot after the resize is wrong"
  else
    fail "the guest did not redraw at 1280x720"
  fi
else
  fail "the guest did not draw"
fi
vmm_call PowerButton
wait_exit 120
cat "$work/display.log"
[ "$vmm_status" = 0 ] && pass "display guest powered off" || fail "exit status $vmm_status"

# 3: fbcon, captured when the guest powers off.
guest_cmdline_saved=$guest_cmdline
guest_cmdline="console=tty0 console=ttyS0 loglevel=7 panic=-1"
run_vmm fbcon "$work/fbcon.log" --memory 256M --screenshot-on-exit "$work/fbcon.png"
guest_cmdline=$guest_cmdline_saved
"$check" --fbcon "$work/fbcon.png" && pass "the text console shows the boot log" || fail "the text console screenshot shows no console text"

# 4: input.
start_vmm input "$work/input.log" --control "$sock"
if wait_for "$work/input.log" '^input-echo: ready' "$vmm_timeout"; then
  vmm_call KeyEvent 42 true && vmm_call KeyEvent 30 true && vmm_call KeyEvent 30 false &&
    vmm_call KeyEvent 42 false && vmm_call PointerMotion 0 1023 0 &&
    vmm_call PointerButton 272 true && vmm_call PointerButton 272 false ||
    fail "injecting input failed"
else
  fail "the input guest did not start"
fi
wait_exit 120
cat "$work/input.log"
# Key repeats (value 2) are the guest's own autorepeat: the calls are slow here.
events=$(sed -n 's/^input-echo: [^ ]* type=\([0-9]*\) code=\([0-9]*\) value=\(-\{0,1\}[0-9]*\).*/\1:\2:\3/p' "$work/input.log" |
  grep -v '^3:0:0$' | grep -v '^3:1:' | grep -v '^1:[0-9]*:2$' | tr '\n' ' ')
echo "events: $events"
[[ $events == "1:42:1 1:30:1 1:30:0 1:42:0 3:0:32767 1:272:1 1:272:0 " ]] &&
  pass "keys, modifiers, absolute pointer and buttons arrived in order" || fail "events were: $events"
expect "$work/input.log" 'abs-x 0\.\.32767' "the tablet's range is 0..32767"

# 5: the SDL window under Xvfb. Mesa's llvmpipe JIT has crashed on the
# nested sandbox's emulated CPU; softpipe has no JIT.
if command -v Xvfb >/dev/null; then
  export GALLIUM_DRIVER=softpipe LIBGL_ALWAYS_SOFTWARE=1
  exec 3< <(Xvfb -displayfd 4 -screen 0 1600x1200x24 -nolisten tcp 4>&1 2>/dev/null)
  read -r -t 20 display_number <&3
  export DISPLAY=:$display_number
  start_vmm display "$work/sdl.log" --control "$sock" --display sdl
  if wait_for "$work/sdl.log" '^drm-pattern: drew 1024x768' "$vmm_timeout"; then
    # Softpipe draws the window at emulation speed inside the sandbox: give
    # it time, looking again until the pattern is there.
    shown=0
    for ((try = 0; try < 30 * ${TERRARIUM_TIMEOUT_SCALE:-1}; try++)); do
      sleep 2
      window=$(xwininfo -root -tree | awk 'tolower($0) ~ /terrarium/ && / 1024x768\+/ {print $1; exit}')
      [ -n "$window" ] || continue
      import -window "$window" "$work/window.png" 2>/dev/null || continue
      if "$check" --near "$work/window.png" 1024 768 >"$work/check.log" 2>&1; then
        shown=1
        break
      fi
    done
    echo "SDL window: ${window:-none}"
    cat "$work/check.log" 2>/dev/null
    cp "$work/window.png" "$TERRARIUM_BUILD_ROOT/meson-logs/sdl-window.png" 2>/dev/null
    [ $shown = 1 ] && pass "the SDL window shows the guest's pattern" ||
      fail "the SDL window does not show the pattern"
  else
    fail "the guest did not draw (SDL run)"
  fi
  vmm_call PowerButton
  wait_exit 60
  [ "$vmm_status" = 0 ] && pass "SDL run: clean shutdown" || fail "SDL run: exit status $vmm_status"
  pkill -f "Xvfb -displayfd" 2>/dev/null
else
  fail "Xvfb is missing (tools/install-deps installs it)"
fi
finish
