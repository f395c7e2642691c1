#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The AHCI CD-ROM end to end (direct kernel boot, Linux's ahci and sr
# drivers): the guest finds /dev/sr0, mounts the ISO that tools/make-test-iso
# made and reads a file intact; writes are refused; EjectMedia and
# ChangeMedia over D-Bus reach the guest, which sees the drive empty, then the
# new disc; the guest's own eject shows in GetMedia. A missing ISO stops the
# VMM with a message naming it. A disc the guest ejected stays out across a
# reset. SeaBIOS boots a hybrid ISO from
# tools/make-test-iso off the drive (El Torito, ISOLINUX's menu, the kernel
# and initrd read through the BIOS) into the test guest.
. "$(dirname "$0")/lib.sh"
guest_modules+=(-m ahci -m sr_mod -m isofs)
make_guest

sock=$work/control.sock
scale=${TERRARIUM_TIMEOUT_SCALE:-1}
boot_timeout=$((180 * scale))
vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@"
}

head -c 1048576 /dev/urandom >"$work/file1"
head -c 3000000 /dev/urandom >"$work/file2"
"$top/tools/make-test-iso" -o "$work/disc1.iso" -V DISC1 -a "$work/file1=file1" || exit 1
"$top/tools/make-test-iso" -o "$work/disc2.iso" -V DISC2 -a "$work/file2=file2" || exit 1
sum1=$(md5sum <"$work/file1" | cut -d' ' -f1)
sum2=$(md5sum <"$work/file2" | cut -d' ' -f1)
cp "$work/disc1.iso" "$work/disc1.orig"

log=$work/cdrom.log
start_vmm cdrom "$log" --cdrom "$work/disc1.iso" --control "$sock"
if wait_for "$log" '^guest-cdrom: waiting for eject' "$boot_timeout"; then
  pass "the guest got to its first disc"
else
  fail "the guest did not get to its first disc"
fi
expect "$log" '^guest-cdrom-dev: sr0' "the guest sees /dev/sr0"
expect "$log" '^guest-cdrom-ro: 1' "/dev/sr0 is read-only in the guest"
expect "$log" '^guest-cdrom-irq: .*PCI-MSI' "the controller interrupts by MSI"
expect "$log" "^guest-cdrom-file1: $sum1" "the file on the disc reads back intact"
expect "$log" '^guest-cdrom-write: rejected' "a write to /dev/sr0 is refused"
media=$(vmm_call GetMedia 2>&1)
[[ $media == "('$work/disc1.iso',)" ]] && pass "GetMedia names the ISO" || fail "GetMedia: $media"

out=$(vmm_call EjectMedia 2>&1) || fail "EjectMedia: $out"
if wait_for "$log" '^guest-cdrom: waiting for a new disc' $((120 * scale)); then
  pass "EjectMedia: the guest sees the drive empty ($(sed -n 's/^guest-cdrom-ejected: //p' "$log"))"
else
  fail "EjectMedia: the guest still reads a disc"
fi
expect "$log" '^guest-cdrom-ejected: [^(]*[Nn]o medium' "the guest's read fails with no medium"
[ "$(vmm_call GetMedia 2>&1)" = "('',)" ] && pass "GetMedia: empty" || fail "GetMedia: $(vmm_call GetMedia 2>&1)"

out=$(vmm_call ChangeMedia "$work/missing.iso" 2>&1) &&
  fail "ChangeMedia accepted a missing file" ||
  { [[ $out == *missing.iso* ]] && pass "ChangeMedia names a missing file: $out" || fail "ChangeMedia: $out"; }
out=$(vmm_call ChangeMedia "$work/disc2.iso" 2>&1) || fail "ChangeMedia: $out"
if wait_for "$log" '^guest-cdrom: done' $((120 * scale)); then
  pass "the guest got through the change"
else
  fail "the guest did not get through the change"
fi
expect "$log" "^guest-cdrom-file2: $sum2" "ChangeMedia: the guest reads the new disc intact"
expect "$log" '^guest-cdrom-guest-eject: done' "the guest ejected the disc"
[ "$(vmm_call GetMedia 2>&1)" = "('',)" ] && pass "GetMedia: empty after the guest's eject" ||
  fail "GetMedia after the guest's eject: $(vmm_call GetMedia 2>&1)"
kill -TERM "$vmm_pid"
wait_exit $((60 * scale))
[ "$vmm_status" = 0 ] && pass "guest powered off" || fail "exit status $vmm_status"
cmp -s "$work/disc1.iso" "$work/disc1.orig" && pass "the ISO is unchanged" || fail "the ISO changed"
echo "--- serial console"
cat "$log"

# An ISO that is not there: the VMM refuses to start and names it.
"$vmm" --kernel "$kernel" --initrd "$initrd" --cdrom "$work/nowhere.iso" --serial none \
  </dev/null >"$work/missing.out" 2>&1
status=$?
cat "$work/missing.out"
[ "$status" -ne 0 ] && grep -q "nowhere.iso" "$work/missing.out" &&
  pass "a missing ISO stops the VMM with its name" || fail "missing ISO: status $status"

truncate -s 1M "$work/state.img"
run_vmm cdrom-reboot "$work/reboot.log" --memory 256M --disk "$work/state.img" \
  --cdrom "$work/disc2.iso"
[ "$vmm_status" -eq 0 ] && pass "reboot: the guest powered off" || fail "reboot: exit status $vmm_status"
expect "$work/reboot.log" '^guest-cdrom-reboot: first boot: ejected' "reboot: the guest ejected its disc"
expect "$work/reboot.log" '^guest-cdrom-reboot: second boot: .*[Nn]o medium' \
  "reboot: the drive is still empty after the reset"

if [ -r /usr/share/seabios/bios.bin ]; then
  "$top/tools/make-test-iso" -o "$work/boot.iso" -k "$kernel" -i "$initrd" -t 1 \
    -c "$guest_cmdline terrarium.scenario=hello" -V TERRARIUM_BOOT || exit 1
  timeout -k 5 "$vmm_timeout" "$vmm" --firmware bios --memory 512M --net off --sound off \
    --cdrom "$work/boot.iso" --serial "file:$work/bios.log" </dev/null
  status=$?
  echo "--- serial console (SeaBIOS)"
  cat -v "$work/bios.log" | tail -n 40
  [ "$status" -eq 0 ] && pass "SeaBIOS: the guest powered off" || fail "SeaBIOS: exit status $status"
  expect "$work/bios.log" 'Terrarium test installer' "SeaBIOS: ISOLINUX's menu came up from the CD-ROM"
  expect "$work/bios.log" '^terrarium-scenario: hello: PASS' "SeaBIOS: the kernel and initrd from the CD-ROM ran"
else
  echo "skipping the SeaBIOS boot: /usr/share/seabios/bios.bin missing (package seabios)"
fi
finish
