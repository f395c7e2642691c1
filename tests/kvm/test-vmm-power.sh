#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Power management: `reboot` in the guest boots it a second time; PowerButton
# over D-Bus and SIGTERM make the guest shut down cleanly (exit status 0).
. "$(dirname "$0")/lib.sh"
make_guest

truncate -s 1M "$work/state.img"
run_vmm reboot "$work/reboot.log" --memory 256M --disk "$work/state.img"
expect "$work/reboot.log" '^guest-reboot: first boot, rebooting' "first boot asks for a reboot"
expect "$work/reboot.log" '^guest-reboot: second boot' "the guest booted a second time"
[ "$vmm_status" -eq 0 ] && pass "exit 0 after the second boot's poweroff" || fail "exit status $vmm_status"

# wait_for FILE REGEX SECONDS
wait_for() {
  local i
  for ((i = 0; i < $3 * 10; i++)); do
    grep -qE "$2" "$1" 2>/dev/null && return 0
    kill -0 "$vmm_pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# start_vmm SCENARIO LOG [options]: in the background, sets vmm_pid.
start_vmm() {
  local scenario=$1 log=$2
  shift 2
  : >"$log"
  "$vmm" --kernel "$kernel" --initrd "$initrd" --memory 256M \
    --cmdline "$guest_cmdline terrarium.scenario=$scenario" --serial "file:$log" "$@" </dev/null &
  vmm_pid=$!
}

wait_exit() {
  local i
  for ((i = 0; i < $1 * 10; i++)); do
    kill -0 "$vmm_pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$vmm_pid" 2>/dev/null; then
    vmm_status=timeout
    kill -9 "$vmm_pid"
  else
    wait "$vmm_pid"
    vmm_status=$?
  fi
  vmm_pid=
}

sock=$work/control.sock
start_vmm powerbutton "$work/button.log" --control "$sock"
if wait_for "$work/button.log" '^guest-powerbutton: waiting' "$vmm_timeout"; then
  gdbus call --address "unix:path=$sock" --object-path /org/terrarium/Terrarium/Vmm \
    --method org.terrarium.Terrarium.Vmm1.PowerButton && pass "PowerButton call accepted" || fail "PowerButton call failed"
else
  fail "the guest never waited for the power button"
fi
wait_exit 120
cat "$work/button.log"
expect "$work/button.log" '^guest-powerbutton: pressed' "the guest saw the power button"
[ "$vmm_status" = 0 ] && pass "clean shutdown after PowerButton (exit 0)" || fail "exit status $vmm_status after PowerButton"

start_vmm powerbutton "$work/sigterm.log"
if wait_for "$work/sigterm.log" '^guest-powerbutton: waiting' "$vmm_timeout"; then
  kill -TERM "$vmm_pid"
else
  fail "the guest never waited for the power button"
fi
wait_exit 120
cat "$work/sigterm.log"
expect "$work/sigterm.log" '^guest-powerbutton: pressed' "SIGTERM pressed the power button"
[ "$vmm_status" = 0 ] && pass "clean shutdown after SIGTERM (exit 0)" || fail "exit status $vmm_status after SIGTERM"
finish
