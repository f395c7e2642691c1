/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A VGA-compatible display adapter, the "stdvga" of QEMU and Bochs (PCI
 * 1234:1111): VGA registers and the legacy window 0xA0000..0xBFFFF (text
 * mode with its font in plane 2, 16- and 256-colour modes), Bochs DISPI
 * registers (ports 0x1ce/0x1cf and the MMIO BAR) and a 16 MiB linear
 * framebuffer (BAR0) that, in a VM, is a KVM memory slot so the guest writes
 * it at memory speed. SeaBIOS drives it with vgabios-stdvga.bin (the PCI
 * expansion ROM), OVMF with QemuVideoDxe, Linux with bochs-drm.
 *
 * A thread scans the picture out into a display scanout at a fixed rate:
 * the KVM dirty log (or, without KVM, the pages written through MMIO) says
 * which framebuffer rows to convert; text mode redraws the cells that changed.
 */

#define VGA_REFRESH_HZ 30

struct bus;
struct display;
struct pci_bus;
struct pci_device;
struct vga;
struct vm;

/* VRAM and registers; the picture goes to @scanout of @display. NULL on
 * failure (logged). */
struct vga *vga_new (struct display *display, unsigned scanout);
/* Stops the thread and frees; the PCI bus must be gone (or never joined). */
void vga_free (struct vga *vga);

/* Claims the ISA face: ports 0x3b4/0x3b5/0x3ba, 0x3c0..0x3df, 0x1ce..0x1d0
 * on @pio and the window 0xA0000..0xBFFFF on @mmio. 0 or -errno (logged). */
int vga_claim_legacy (struct vga *vga, struct bus *pio, struct bus *mmio)
  __attribute__ ((warn_unused_result));

/* Lets KVM queue the guest's writes to the window 0xA0000..0xBFFFF (text,
 * fonts, planar pixels) instead of exiting once per write; the vCPUs and
 * the scan-out apply them in order. After vga_claim_legacy(). 0, or -errno
 * and writes keep exiting one by one (slower, still correct). */
int vga_coalesce_window (struct vga *vga, struct vm *vm);

/* Adds the PCI face at @slot: BAR0 the framebuffer, BAR2 the MMIO registers,
 * the expansion ROM read from @rom_path (NULL: none). With @vm the
 * framebuffer becomes a dirty-logged memory slot wherever the guest maps
 * BAR0. 0 or -errno (logged). */
int vga_pci_add (struct vga *vga, struct pci_bus *pci, unsigned slot, struct vm *vm,
                 const char *rom_path) __attribute__ ((warn_unused_result));
struct pci_device *vga_get_pci_device (struct vga *vga);

/* Starts the scanout thread (VGA_REFRESH_HZ). */
int vga_start (struct vga *vga) __attribute__ ((warn_unused_result));
/* One scanout pass on the caller's thread, for tests (thread not started). */
void vga_refresh (struct vga *vga);
