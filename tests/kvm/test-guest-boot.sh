#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Boots Debian's stock kernel with a test-guest initramfs on KVM and checks the
# scenario's marker on the serial console. Plain qemu-kvm stands in for our VMM
# until terrarium-vmm boots Linux itself; this proves the guest builder.
#
# Usage: test-guest-boot.sh GUEST_HELLO_PROGRAM
set -uo pipefail
hello=$1
top=${TERRARIUM_SOURCE_ROOT:?}

if [ ! -c /dev/kvm ]; then
  [ -n "${TERRARIUM_REQUIRE_KVM:-}" ] && { echo "no /dev/kvm" >&2; exit 1; }
  echo "skipped: no /dev/kvm (run the kvm suite through tools/kvm-sandbox)"
  exit 77
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kroot=$("$top/tools/fetch-kernel" --offline) || exit 1
kver=$(ls "$kroot/lib/modules" | head -n 1)

"$top/tools/make-test-guest" -k "$kroot" -o "$work/guest.cpio.gz" -a "$hello=/scenarios/hello" || exit 1

timeout 240 qemu-system-x86_64 -accel kvm -smp 2 -m 256 \
  -nodefaults -no-user-config -display none -no-reboot \
  -kernel "$kroot/boot/vmlinuz-$kver" -initrd "$work/guest.cpio.gz" \
  -append "console=ttyS0 panic=-1 terrarium.scenario=hello" \
  -serial "file:$work/serial.log" </dev/null
rc=$?
cat "$work/serial.log"
echo "qemu exit status: $rc"

grep -q '^terrarium-scenario: hello: PASS' "$work/serial.log" || { echo "FAIL: no PASS marker"; exit 1; }
grep -q "^guest-hello: kernel=$kver cpus=2 sum=5050" "$work/serial.log" || { echo "FAIL: guest-hello's line missing"; exit 1; }
echo "ok: the guest ran the hello scenario"
