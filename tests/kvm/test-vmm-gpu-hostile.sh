#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# A guest that drives virtio-gpu itself, from user space, with malformed
# requests (tests/guest/gpu-hostile.c): each gets the error response the
# device's code promises, requests that break the ring rules put the device in
# NEEDS_RESET until the guest resets it (after which it works again), and the
# VMM keeps running, answers D-Bus and shuts down cleanly.
. "$(dirname "$0")/lib.sh"
# No virtio_pci: nothing in the guest binds the GPU but the test program.
guest_modules=(-m button -m evdev)
make_guest
sock=$work/control.sock
log=$work/hostile.log

vmm_state() {
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method org.freedesktop.DBus.Properties.Get \
    org.terrarium.Terrarium.Vmm1 State
}

start_vmm hostile-gpu "$log" --control "$sock"
if wait_for "$log" '^gpu-hostile: (done|error)' "$vmm_timeout"; then
  kill -0 "$vmm_pid" 2>/dev/null && pass "terrarium-vmm is still running" ||
    fail "terrarium-vmm is gone"
  [[ $(vmm_state) == *running* ]] && pass "State is running" || fail "State is '$(vmm_state)'"
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm \
    --method org.terrarium.Terrarium.Vmm1.PowerButton >/dev/null || fail "PowerButton failed"
else
  fail "the guest program did not finish"
fi
wait_exit 120
cat "$log"
[ "$vmm_status" = 0 ] && pass "clean shutdown (exit 0)" || fail "exit status $vmm_status"
expect "$log" '^terrarium-scenario: hostile-gpu: PASS' "the guest program ran to its end"
expect "$log" '^gpu-hostile: done' "every case ran"
grep -q 'wrote past the response buffer' "$log" && fail "the device wrote past a response buffer"

# CASE EXPECTED: EXPECTED is resp=0xTTTT (the response type) or
# status=0x4f (no response, NEEDS_RESET on top of the driver's bits).
ok=0x1100 display=0x1101 unspec=0x1200 oom=0x1201 scanout=0x1202 resource=0x1203 param=0x1205
needs_reset=status=0x4f
while read -r name want; do
  [ -n "$name" ] || continue
  line=$(grep -m1 "^gpu-hostile: $name: " "$log")
  if [[ $line == "gpu-hostile: $name: $want"* ]]; then
    pass "$name: $want"
  else
    fail "$name: wanted $want, got '${line#gpu-hostile: $name: }'"
  fi
done <<CASES
setup status=0x0f
display-info resp=$display len=408
unknown-type resp=$unspec
cursor-command-on-control-queue resp=$unspec
edid-bad-scanout resp=$scanout
capset-info resp=$param
flush-id0 resp=$resource
flush-unknown resp=$resource
transfer-id0 resp=$resource
transfer-unknown resp=$resource
set-scanout-unknown resp=$resource
set-scanout-bad-scanout resp=$scanout
unref-id0 resp=$resource
unref-unknown resp=$resource
detach-unknown resp=$resource
create-id0 resp=$resource
create-width0 resp=$param
create-height0 resp=$param
create-bad-format resp=$param
create-enormous resp=$oom
create-over-cap resp=$oom
create-ok resp=$ok
create-duplicate resp=$resource
transfer-without-backing resp=$unspec
attach-outside-ram resp=$param
attach-wrapping resp=$param
attach-past-ram-end resp=$param
attach-zero-entries resp=$param
attach-huge-count resp=$param
attach-count-past-request resp=$unspec
attach-ok resp=$ok
attach-twice resp=$unspec
transfer-outside resp=$param
transfer-wrapping resp=$param
transfer-past-backing resp=$param
transfer-offset-overflow resp=$param
transfer-ok resp=$ok
flush-outside resp=$param
flush-wrapping resp=$param
flush-ok resp=$ok
set-scanout-outside resp=$param
set-scanout-empty resp=$param
detach-ok resp=$ok
detach-twice resp=$unspec
unref-ok resp=$ok
truncated-header resp=$unspec
truncated-create resp=$unspec
no-request resp=$unspec
display-info-small-response resp=$unspec len=24
create-after-truncated resp=$ok
response-under-header $needs_reset
response-under-header-then-reset resp=$display len=408
desc-loop $needs_reset
desc-loop-then-reset resp=$display len=408
head-out-of-range $needs_reset
head-out-of-range-then-reset resp=$display len=408
next-out-of-range $needs_reset
next-out-of-range-then-reset resp=$display len=408
buffer-outside-ram $needs_reset
buffer-outside-ram-then-reset resp=$display len=408
readable-after-writable $needs_reset
readable-after-writable-then-reset resp=$display len=408
avail-index-jump $needs_reset
avail-index-jump-then-reset resp=$display len=408
indirect-not-negotiated $needs_reset
indirect-not-negotiated-then-reset resp=$display len=408
queue-size-3 $needs_reset
queue-size-3-then-reset resp=$display len=408
CASES
finish
