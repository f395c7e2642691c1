#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The PS/2 keyboard behind the i8042: without a virtio keyboard driver in the
# guest, a key sent over D-Bus reaches Linux's atkbd ("AT Translated Set 2
# keyboard"); with the virtio keyboard driver loaded, the same key arrives once,
# from the virtio keyboard only.
. "$(dirname "$0")/lib.sh"
sock=$work/control.sock

vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@" >/dev/null
}

# run_keys LOG: boots the ps2 scenario, sends A down and up, waits for the end.
run_keys() {
  start_vmm ps2 "$1" --control "$sock"
  if wait_for "$1" '^input-echo: ready' "$vmm_timeout"; then
    vmm_call KeyEvent 30 true && vmm_call KeyEvent 30 false || fail "injecting keys failed"
  else
    fail "the ps2 guest did not start"
  fi
  wait_exit 120
  cat "$1"
}

# 1: no virtio_input module: only the PS/2 keyboard.
make_guest
run_keys "$work/ps2.log"
expect "$work/ps2.log" '^input-echo: device event[0-9]+ AT_Translated_Set_2_keyboard' \
  "Linux found the PS/2 keyboard through the DSDT"
expect "$work/ps2.log" '^input-echo: AT_Translated_Set_2_keyboard type=1 code=30 value=1' \
  "the key press arrived from the PS/2 keyboard"
expect "$work/ps2.log" '^input-echo: AT_Translated_Set_2_keyboard type=1 code=30 value=0' \
  "the key release arrived from the PS/2 keyboard"

# 2: with the virtio keyboard's driver up, keys go there only.
guest_modules+=(-m virtio_input)
make_guest
run_keys "$work/both.log"
# The serial log's lines end in CR LF.
n=$(grep -cE '^input-echo: .* type=1 code=30 value=[01]([^0-9]|$)' "$work/both.log")
[ "$n" = 2 ] && pass "with both drivers the key arrived once" || fail "$n press/release events, not 2"
if grep -qE '^input-echo: AT_Translated_Set_2_keyboard type=1' "$work/both.log"; then
  fail "the PS/2 keyboard also sent the key"
else
  pass "the PS/2 keyboard stayed quiet while the virtio keyboard is up"
fi
finish
