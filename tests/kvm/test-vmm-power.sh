#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Power management: `reboot` in the guest boots it a second time (or ends the
# VMM with status 3 under --no-reboot); Pause, Resume and State over D-Bus;
# PowerButton over D-Bus and SIGTERM make the guest shut down cleanly (exit
# status 0); a triple fault ends it with status 5 and a register dump.
. "$(dirname "$0")/lib.sh"
make_guest

truncate -s 1M "$work/state.img"
run_vmm reboot "$work/reboot.log" --memory 256M --disk "$work/state.img"
expect "$work/reboot.log" '^guest-reboot: first boot, rebooting' "first boot asks for a reboot"
expect "$work/reboot.log" '^guest-reboot: second boot' "the guest booted a second time"
[ "$vmm_status" -eq 0 ] && pass "exit 0 after the second boot's poweroff" || fail "exit status $vmm_status"

: >"$work/state.img"
truncate -s 1M "$work/state.img"
run_vmm reboot "$work/noreboot.log" --memory 256M --disk "$work/state.img" --no-reboot
[ "$vmm_status" -eq 3 ] && pass "--no-reboot: exit status 3 on reboot" || fail "--no-reboot: exit status $vmm_status"
grep -q '^guest-reboot: second boot' "$work/noreboot.log" && fail "--no-reboot booted again" || pass "--no-reboot did not boot again"

# vmm_call METHOD: calls the control interface (gdbus wants some --dest).
vmm_call() {
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$1"
}
vmm_state() {
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method org.freedesktop.DBus.Properties.Get \
    org.terrarium.Terrarium.Vmm1 State
}

sock=$work/control.sock
start_vmm powerbutton "$work/button.log" --control "$sock"
if wait_for "$work/button.log" '^guest-powerbutton: waiting' "$vmm_timeout"; then
  [[ $(vmm_state) == *running* ]] && pass "State is running" || fail "State is $(vmm_state), not running"
  vmm_call Pause && [[ $(vmm_state) == *paused* ]] && pass "Pause" || fail "Pause: State is $(vmm_state)"
  vmm_call Resume && [[ $(vmm_state) == *running* ]] && pass "Resume" || fail "Resume: State is $(vmm_state)"
  vmm_call PowerButton && pass "PowerButton call accepted" || fail "PowerButton call failed"
else
  fail "the guest never waited for the power button"
fi
wait_exit 120
cat "$work/button.log"
expect "$work/button.log" '^guest-powerbutton: pressed' "the guest saw the power button"
[ "$vmm_status" = 0 ] && pass "clean shutdown after PowerButton (exit 0)" || fail "exit status $vmm_status after PowerButton"
[ ! -e "$sock" ] && pass "control socket removed on exit" || fail "control socket left behind"

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
python3 "$(dirname "$0")/make-crash-kernel.py" "$work/crash.bzImage"
timeout -k 5 "$vmm_timeout" "$vmm" --kernel "$work/crash.bzImage" --memory 64M --serial none \
  </dev/null 2>"$work/crash.err"
vmm_status=$?
cat "$work/crash.err"
[ "$vmm_status" -eq 5 ] && pass "triple fault: exit status 5" || fail "triple fault: exit status $vmm_status"
expect "$work/crash.err" 'triple fault' "the crash is named"
expect "$work/crash.err" 'rip=[0-9a-f]{16}' "registers are dumped"

timeout -k 5 "$vmm_timeout" "$vmm" --kernel "$initrd" --memory 64M --serial none </dev/null 2>"$work/notkernel.err"
vmm_status=$?
cat "$work/notkernel.err"
[ "$vmm_status" -eq 1 ] && pass "not a kernel: exit status 1" || fail "not a kernel: exit status $vmm_status"
expect "$work/notkernel.err" 'not a bzImage' "a file that is not a kernel is named as such"
finish
