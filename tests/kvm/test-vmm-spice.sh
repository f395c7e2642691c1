#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# SPICE end to end, on one boot of a guest that draws the test pattern and
# echoes input:
#  1. spicy-screenshot over loopback equals the VMM's own screenshot;
#  2. after a resize a new client gets the new size and picture;
#  3. with a password the wrong one fails and the right one connects;
#  4. a scripted SPICE client's keys, tablet, buttons, wheel and (in server
#     mouse mode) relative motion reach the guest;
#  5. 20 connections in a row leave fds and threads as they were, and a
#     second client replaces the first (with D-Bus signals for each);
#  6. the .vv file from GetSpiceConnectionFile opens in remote-viewer under
#     Xvfb, which shows the guest.
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m virtio_gpu -m virtio_input)
make_guest
check=${TERRARIUM_BUILD_ROOT:?}/tests/pattern-check
# The gi bindings live in the system Python, not a pyenv one on PATH.
client=(/usr/bin/python3 "$top/tests/kvm/spice-client.py")
sock=$work/control.sock
scale=${TERRARIUM_TIMEOUT_SCALE:-1}
# A port nobody uses on this machine right now.
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
pids=()
cleanup_spice() {
  local p
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
  cleanup
}
trap cleanup_spice EXIT

for tool in spicy-screenshot remote-viewer Xvfb import; do
  command -v "$tool" >/dev/null || { fail "$tool is missing (tools/install-deps installs it)"; finish; }
done
if ! ip -o link show lo 2>/dev/null | grep -q 'UP'; then
  ip link set lo up 2>/dev/null || echo "warning: cannot bring lo up"
fi

vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@" >/dev/null
}

# spice_shot OUT [PASSWORD]: succeeds when a picture came.
spice_shot() {
  rm -f "$1"
  timeout -k 5 $((60 * scale)) spicy-screenshot -h 127.0.0.1 -p "$port" -o "$1" ${2:+-w "$2"} \
    >"$work/spicy.log" 2>&1 && [ -s "$1" ]
}

# events: the guest's input events since line $1 of the log, as T:C:V.
# Key repeats are the guest's own; the tablet's y axis and its reset to 0 are
# not what these checks send.
events() {
  tail -n +"$1" "$work/spice.log" |
    sed -n 's/^input-echo: [^ ]* type=\([0-9]*\) code=\([0-9]*\) value=\(-\{0,1\}[0-9]*\).*/\1:\2:\3/p' |
    grep -v '^3:0:0$' | grep -v '^3:1:' | grep -v '^1:[0-9]*:2$' | tr '\n' ' '
}

start_vmm spice "$work/spice.log" --control "$sock" --spice "port=$port"
if ! wait_for "$work/spice.log" '^drm-pattern: drew 1024x768' "$vmm_timeout" ||
   ! wait_for "$work/spice.log" '^input-echo: ready' 60; then
  fail "the guest did not start drawing and echoing"
  cat "$work/spice.log"
  finish
fi
"${client[@]}" signals "$sock" "$work/signals.log" &
pids+=($!)
wait_for "$work/signals.log" '^listening' 30 || fail "cannot listen to the control socket's signals"
sleep 1

# 1: the same picture over SPICE as in the VMM's screenshot.
if spice_shot "$work/spice1.ppm"; then
  vmm_call ScreenshotToFile 0 "$work/vmm1.png" || fail "ScreenshotToFile failed"
  "$check" --same "$work/spice1.ppm" "$work/vmm1.png" && "$check" "$work/spice1.ppm" 1024 768 &&
    pass "spicy-screenshot equals the VMM's screenshot and the pattern" ||
    fail "the SPICE picture differs from the VMM's"
else
  fail "spicy-screenshot got no picture: $(cat "$work/spicy.log")"
fi

# 4: a scripted client's input reaches the guest's evdev devices in order.
mark=$(($(wc -l <"$work/spice.log") + 1))
if "${client[@]}" input "$port" 1024 768; then
  sleep 2
  got=$(events "$mark")
  want="1:42:1 1:30:1 1:30:0 1:42:0 3:0:32767 1:272:1 1:272:0 2:8:1 2:0:5 2:1:-3 "
  echo "events: $got"
  [[ $got == "$want" ]] && pass "keys, tablet, buttons, wheel and relative motion arrived in order" ||
    fail "input events were '$got', expected '$want'"
else
  fail "the scripted SPICE client failed"
fi

# 5: connection policy, then 20 connections in a row.
"${client[@]}" replace "$port" && pass "a second client replaces the first" ||
  fail "a second client did not replace the first"
sleep 1
fds0=$(ls "/proc/$vmm_pid/fd" | wc -l)
threads0=$(ls "/proc/$vmm_pid/task" | wc -l)
ok=0
for i in $(seq 20); do
  spice_shot "$work/cycle.ppm" && ok=$((ok + 1))
done
sleep 2
fds1=$(ls "/proc/$vmm_pid/fd" | wc -l)
threads1=$(ls "/proc/$vmm_pid/task" | wc -l)
echo "20 cycles: $ok pictures; fds $fds0 -> $fds1, threads $threads0 -> $threads1"
[ "$ok" = 20 ] && pass "20 connections in a row each got a picture" || fail "only $ok of 20 connections got a picture"
[ "$fds0" = "$fds1" ] && [ "$threads0" = "$threads1" ] &&
  pass "open fds and threads are back to their counts" || fail "fds $fds0 -> $fds1, threads $threads0 -> $threads1"
connected=$(grep -c '^SpiceClientConnected 127\.0\.0\.1:' "$work/signals.log")
disconnected=$(grep -c '^SpiceClientDisconnected 127\.0\.0\.1:' "$work/signals.log")
echo "D-Bus signals: $connected connected, $disconnected disconnected"
# 1 + input + 2 (replace) + 20 cycles.
[ "$connected" = 24 ] && [ "$disconnected" = 24 ] &&
  pass "every client's connection and disconnection was signalled" ||
  fail "signals: $connected connected, $disconnected disconnected (expected 24 each)"

# 2: a resize reaches a new client (and shows the guest still runs).
vmm_call SetDisplaySize 0 1280 720 || fail "SetDisplaySize failed"
if wait_for "$work/spice.log" '^drm-pattern: drew 1280x720' 120; then
  sleep 1
  spice_shot "$work/spice2.ppm" && vmm_call ScreenshotToFile 0 "$work/vmm2.png" &&
    "$check" "$work/spice2.ppm" 1280 720 && "$check" --same "$work/spice2.ppm" "$work/vmm2.png" &&
    pass "after the resize a new client gets 1280x720 and the new picture" ||
    fail "the picture after the resize is wrong"
else
  fail "the guest did not redraw at 1280x720"
fi

# 3: passwords.
vmm_call SetSpicePassword "s3cret" || fail "SetSpicePassword failed"
! spice_shot "$work/bad.ppm" "wrong" && pass "the wrong password is refused" ||
  fail "the wrong password connected"
! spice_shot "$work/none.ppm" && pass "no password is refused" || fail "no password connected"
spice_shot "$work/good.ppm" "s3cret" && "$check" "$work/good.ppm" 1280 720 &&
  pass "the right password connects" || fail "the right password did not connect"
kill -0 "$vmm_pid" 2>/dev/null && pass "the VMM keeps running" || fail "the VMM died"

# 6: the connection file in remote-viewer.
if "${client[@]}" vv "$sock" "$work/vm.vv" >/dev/null && grep -q '^password=s3cret$' "$work/vm.vv"; then
  Xvfb -displayfd 5 -screen 0 1600x1200x24 -nolisten tcp 5>"$work/xvfb.display" 2>/dev/null &
  pids+=($!)
  for i in $(seq 100); do [ -s "$work/xvfb.display" ] && break; sleep 0.2; done
  DISPLAY=:$(cat "$work/xvfb.display") remote-viewer "$work/vm.vv" >"$work/remote-viewer.log" 2>&1 &
  pids+=($!)
  found=
  for i in $(seq $((10 * scale))); do
    sleep 3
    DISPLAY=:$(cat "$work/xvfb.display") import -window root "$work/viewer.png" 2>/dev/null || continue
    "$check" --contains "$work/viewer.png" 1280 720 >"$work/contains.log" && { found=1; break; }
  done
  cat "$work/contains.log" 2>/dev/null
  cp "$work/viewer.png" "$TERRARIUM_BUILD_ROOT/meson-logs/spice-remote-viewer.png" 2>/dev/null
  [ -n "$found" ] && pass "remote-viewer opened the .vv file and shows the guest" ||
    { fail "remote-viewer does not show the guest"; cat "$work/remote-viewer.log"; }
else
  fail "GetSpiceConnectionFile gave no usable .vv"
  cat "$work/vm.vv" 2>/dev/null
fi

# Stop and start over D-Bus.
vmm_call StopSpice || fail "StopSpice failed"
! spice_shot "$work/stopped.ppm" "s3cret" && pass "StopSpice closes the port" || fail "still served after StopSpice"
vmm_call StartSpice && spice_shot "$work/again.ppm" "s3cret" && pass "StartSpice serves again" ||
  fail "StartSpice did not serve again"

vmm_call PowerButton
wait_exit 120
[ "$vmm_status" = 0 ] && pass "the guest powered off" || fail "exit status $vmm_status"
finish
