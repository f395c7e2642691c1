#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-3.0-or-later
# The VGA adapter (stdvga) end to end: text mode written by a guest through
# the legacy window and ports; Linux's bochs-drm setting a DISPI mode and the
# guest drawing the test pattern into the linear framebuffer (a dirty-logged
# memory slot), which the VMM's screenshot shows pixel for pixel; SeaBIOS's
# text screen, drawn by its VGA BIOS from the expansion ROM; and a VESA mode
# a boot sector sets through that BIOS.
. "$(dirname "$0")/lib.sh"
check=${TERRARIUM_BUILD_ROOT:?}/tests/pattern-check
sock=$work/control.sock

# 0: text mode without any BIOS or driver: the guest loads a font and writes
# text through the legacy window and the VGA ports (no bochs-drm to take over).
make_guest
run_vmm vga-text "$work/text.log" --memory 256M --display-adapter vga \
  --screenshot-on-exit "$work/text.png"
expect "$work/text.log" '^vga-text: wrote' "the guest wrote its text through the legacy window"
"$check" --fbcon "$work/text.png" && pass "text mode: the screenshot shows the guest's text" ||
  fail "text mode: no text in the screenshot"

vmm_call() {
  local method=$1
  shift
  gdbus call --address "unix:path=$sock" --dest org.terrarium.Terrarium.Vmm \
    --object-path /org/terrarium/Terrarium/Vmm --method "org.terrarium.Terrarium.Vmm1.$method" "$@" >/dev/null
}

# 1: bochs-drm's preferred mode without EDID is 1024x768. The kernel logs at
# info level so that the driver's line shows.
guest_modules+=(-m bochs)
make_guest
guest_cmdline_saved=$guest_cmdline
guest_cmdline="console=ttyS0 loglevel=7 panic=-1"
start_vmm display "$work/vga.log" --control "$sock" --display-adapter vga
guest_cmdline=$guest_cmdline_saved
if wait_for "$work/vga.log" '^drm-pattern: drew 1024x768' "$vmm_timeout"; then
  # The scanout thread copies dirty rows at 30 Hz: give it a few frames.
  sleep 1
  vmm_call ScreenshotToFile 0 "$work/shot.png" && "$check" "$work/shot.png" 1024 768 &&
    pass "bochs-drm: the screenshot equals the guest's pattern" ||
    fail "bochs-drm: the screenshot differs from the pattern"
else
  fail "the guest did not draw on bochs-drm"
fi
vmm_call PowerButton
wait_exit 120
cat "$work/vga.log"
expect "$work/vga.log" 'Initialized bochs-drm' "the kernel's bochs-drm driver bound the adapter"
[ "$vmm_status" = 0 ] && pass "vga guest powered off" || fail "exit status $vmm_status"

# 2: SeaBIOS's own text screen, drawn by its VGA BIOS from the expansion ROM.
help=$("$vmm" --help-all 2>/dev/null)
if [ -r /usr/share/seabios/bios.bin ] && [ -r /usr/share/seabios/vgabios-stdvga.bin ] &&
  [[ $help == *--firmware=* ]]; then
  : >"$work/bios.log"
  "$vmm" --firmware bios --memory 256M --serial "file:$work/bios.log" --control "$sock" \
    --cdrom none </dev/null &
  vmm_pid=$!
  shown=
  for ((i = 0; i < vmm_timeout / 4; i++)); do
    sleep 2
    kill -0 "$vmm_pid" 2>/dev/null || break
    if vmm_call ScreenshotToFile 0 "$work/bios.png" 2>/dev/null &&
      "$check" --fbcon "$work/bios.png" >"$work/bios-check.txt"; then
      shown=yes
      break
    fi
  done
  cat "$work/bios-check.txt" 2>/dev/null
  [ -n "$shown" ] && pass "SeaBIOS's text screen is on the display" ||
    fail "no SeaBIOS text on the display"
  kill -9 "$vmm_pid" 2>/dev/null
  wait "$vmm_pid" 2>/dev/null
  vmm_pid=
  cat "$work/bios.log"

  # 3: a VESA mode set through SeaBIOS's VBE (DISPI, banked window, 8-bit
  # palette) by a boot sector on a disk, as bootloaders do.
  if command -v as >/dev/null && command -v ld >/dev/null; then
    as --32 -o "$work/vbe-boot.o" "$top/tests/kvm/vbe-boot.S" &&
      ld -m elf_i386 -Ttext 0x7c00 --oformat binary -o "$work/vbe-boot.bin" "$work/vbe-boot.o" &&
      truncate -s 1M "$work/vbe.img" &&
      dd if="$work/vbe-boot.bin" of="$work/vbe.img" conv=notrunc status=none ||
      fail "cannot build the VBE boot sector"
    : >"$work/vbe.log"
    "$vmm" --firmware bios --memory 256M --serial "file:$work/vbe.log" --control "$sock" \
      --cdrom none --disk "$work/vbe.img" </dev/null &
    vmm_pid=$!
    if wait_for "$work/vbe.log" '^vbe-boot: mode 0x101 drawn' "$vmm_timeout"; then
      sleep 1
      # Bank n covers rows 102.4 n .. 102.4 (n + 1).
      vmm_call ScreenshotToFile 0 "$work/vbe.png" &&
        "$check" --pixels "$work/vbe.png" 640 480 0,0,0000aa 639,101,0000aa 0,103,00aa00 \
          0,250,00aaaa 639,350,aa0000 0,479,aa00aa &&
        pass "VESA mode 0x101 set through SeaBIOS shows the boot sector's stripes" ||
        fail "the VESA screenshot is wrong"
    else
      fail "the VBE boot sector did not run"
    fi
    cat "$work/vbe.log"
    kill -9 "$vmm_pid" 2>/dev/null
    wait "$vmm_pid" 2>/dev/null
    vmm_pid=
  else
    echo "skipped: VESA mode (no as/ld to build the boot sector)"
  fi
else
  echo "skipped: SeaBIOS screen and VESA mode (no firmware boot or no seabios package)"
fi
finish
