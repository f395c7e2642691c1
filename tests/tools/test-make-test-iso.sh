#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# tools/make-test-iso: a bootable disc has BIOS and UEFI El Torito entries,
# an isohybrid MBR, the volume ID asked for and the files added; a data disc
# has no boot record.
set -uo pipefail
top=${TERRARIUM_SOURCE_ROOT:?}

for tool in xorriso grub-mkstandalone mcopy mkfs.vfat; do
  command -v $tool >/dev/null || { echo "skipped: $tool not installed (tools/install-deps)"; exit 77; }
done
[ -r /usr/lib/ISOLINUX/isolinux.bin ] || { echo "skipped: isolinux not installed"; exit 77; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
check() {
  if grep -qE "$2" "$1"; then echo "ok: $3"; else echo "FAIL: $3 (no '$2')"; failures=$((failures + 1)); fi
}

# The kernel's contents do not matter to the disc's structure.
head -c 100000 /dev/urandom >"$work/vmlinuz"
head -c 50000 /dev/urandom >"$work/initrd"
echo "terrarium test file" >"$work/file.txt"
volid="Debian 11.7.0 amd64 1"

"$top/tools/make-test-iso" -o "$work/boot.iso" -k "$work/vmlinuz" -i "$work/initrd" \
  -c "console=ttyS0 terrarium.scenario=install" -V "$volid" -a "$work/file.txt=data/file.txt" ||
  { echo "FAIL: make-test-iso failed"; exit 1; }
xorriso -indev "$work/boot.iso" -report_el_torito plain >"$work/report" 2>&1
cat "$work/report"
check "$work/report" "Volume id +: '$volid'" "volume ID"
check "$work/report" "Boot record +: El Torito.*MBR isohybrid" "El Torito with an isohybrid MBR"
check "$work/report" "El Torito boot img : +1 +BIOS +y +none" "BIOS boot image, no emulation"
check "$work/report" "El Torito boot img : +2 +UEFI +y +none" "UEFI boot image, no emulation"
check "$work/report" "El Torito img path : +1 +/isolinux/isolinux.bin" "ISOLINUX is the BIOS image"
check "$work/report" "El Torito img path : +2 +/boot/grub/efi.img" "the GRUB FAT image is the UEFI image"

xorriso -osirrox on -indev "$work/boot.iso" -extract /data/file.txt "$work/got.txt" \
  -extract /isolinux/isolinux.cfg "$work/isolinux.cfg" -extract /boot/grub/grub.cfg "$work/grub.cfg" \
  -extract /boot/grub/efi.img "$work/efi.img" >/dev/null 2>&1
cmp -s "$work/file.txt" "$work/got.txt" && echo "ok: added file" || { echo "FAIL: added file"; failures=$((failures + 1)); }
check "$work/isolinux.cfg" "APPEND initrd=/boot/initrd.img console=ttyS0 terrarium.scenario=install" "ISOLINUX boots the kernel with the command line"
check "$work/isolinux.cfg" "^UI menu.c32" "ISOLINUX shows a menu"
check "$work/grub.cfg" "linux /boot/vmlinuz console=ttyS0 terrarium.scenario=install" "GRUB boots the kernel with the command line"
check "$work/grub.cfg" "initrd /boot/initrd.img" "GRUB loads the initrd"
mdir -i "$work/efi.img" ::/EFI/BOOT >"$work/efi-dir" 2>&1
check "$work/efi-dir" "BOOTX64 +EFI" "the FAT image holds EFI/BOOT/BOOTX64.EFI"

"$top/tools/make-test-iso" -o "$work/data.iso" -V DATA -a "$work/file.txt=file.txt" ||
  { echo "FAIL: data disc"; exit 1; }
xorriso -indev "$work/data.iso" -report_el_torito plain >"$work/report2" 2>&1
if grep -q "El Torito boot img" "$work/report2"; then
  echo "FAIL: a data disc has boot images"; failures=$((failures + 1))
else
  echo "ok: a data disc has no boot images"
fi
"$top/tools/make-test-iso" -o "$work/bad.iso" -V "this volume id is far too long for iso 9660" 2>/dev/null &&
  { echo "FAIL: a long volume ID was accepted"; failures=$((failures + 1)); } || echo "ok: long volume ID refused"

[ "$failures" -eq 0 ] || { echo "$failures check(s) failed"; exit 1; }
