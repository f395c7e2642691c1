#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# virtio-blk end to end: the guest's writes reach the image file, the guest
# reads what the host prepared, and a read-only disk refuses writes.
. "$(dirname "$0")/lib.sh"
make_guest

truncate -s 16M "$work/write.img"
head -c 4194304 /dev/urandom >"$work/read.img"
truncate -s 4M "$work/ro.img"
cp "$work/ro.img" "$work/ro.orig"

run_vmm blk "$work/blk.log" --memory 256M \
  --disk "$work/write.img,serial=terrarium-disk0" --disk "$work/read.img" --disk "$work/ro.img,readonly"
[ "$vmm_status" -eq 0 ] && pass "guest powered off" || fail "exit status $vmm_status"
expect "$work/blk.log" '^guest-blk-write: done' "guest wrote its pattern"
yes terrarium-block-pattern 2>/dev/null | head -c 1048576 >"$work/pattern"
if cmp -n 1048576 "$work/pattern" "$work/write.img"; then
  pass "the image holds the guest's pattern"
else
  fail "the image does not hold the guest's pattern"
fi
sum=$(md5sum <"$work/read.img" | cut -d' ' -f1)
expect "$work/blk.log" "^guest-blk-read: $sum" "guest's checksum of the host's image matches"
expect "$work/blk.log" '^guest-blk-ro-flag: 1' "read-only disk is read-only in the guest"
expect "$work/blk.log" '^guest-blk-ro: write rejected' "write to the read-only disk rejected"
cmp -s "$work/ro.img" "$work/ro.orig" && pass "read-only image unchanged" || fail "read-only image changed"
expect "$work/blk.log" '^guest-blk-serial: terrarium-disk0' "disk serial visible in the guest"
finish
