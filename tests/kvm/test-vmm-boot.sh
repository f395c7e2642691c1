#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# terrarium-vmm boots Debian's kernel with the test initramfs: the scenario's
# marker appears on the serial console, the guest sees --cpus CPUs, poweroff
# ends the VMM with status 0, and virtio-rng works.
. "$(dirname "$0")/lib.sh"
make_guest

run_vmm hello "$work/hello.log" --cpus 1 --memory 256M
expect "$work/hello.log" '^terrarium-scenario: hello: PASS' "boots to the hello scenario"
expect "$work/hello.log" "^guest-hello: kernel=$kver cpus=1 sum=5050" "our static program ran on 1 vCPU"
[ "$vmm_status" -eq 0 ] && pass "poweroff ends terrarium-vmm with 0" || fail "exit status $vmm_status after poweroff"

for cpus in 2 4; do
  # The 4-vCPU guest also gets RAM above the PCI hole (low RAM ends at 2 GiB).
  memory=256M
  [ "$cpus" -eq 4 ] && memory=3G
  run_vmm nproc "$work/nproc-$cpus.log" --cpus "$cpus" --memory "$memory"
  expect "$work/nproc-$cpus.log" '^terrarium-scenario: nproc: PASS' "boots to the scenario with $cpus vCPU(s)"
  expect "$work/nproc-$cpus.log" "^guest-nproc: $cpus\b" "nproc is $cpus"
  [ "$vmm_status" -eq 0 ] && pass "poweroff ends terrarium-vmm with 0" || fail "exit status $vmm_status after poweroff"
done
kib=$(sed -n 's/^guest-memtotal-kib: \([0-9]*\).*/\1/p' "$work/nproc-4.log")
[ "${kib:-0}" -gt 2900000 ] && pass "a 3 GiB guest sees its RAM above 4 GiB too ($kib KiB)" ||
  fail "a 3 GiB guest sees only ${kib:-?} KiB"

run_vmm rng "$work/rng.log" --memory 256M
expect "$work/rng.log" '^guest-rng-current: virtio_rng' "the guest's hwrng is virtio-rng"
expect "$work/rng.log" '^terrarium-scenario: rng: PASS' "64 random bytes read"
finish
