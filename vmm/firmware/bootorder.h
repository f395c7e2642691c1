/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include "machine-config.h"

/* Where the bootable devices sit on PCI bus 0. */
struct bootorder_devices {
  bool cdrom;                 /* AHCI at 00:1f.2, the drive on port 0 */
  unsigned n_disks;
  unsigned disk_slot[MACHINE_CONFIG_MAX_DISKS];  /* virtio-blk, function 0 */
  bool net;
  unsigned net_slot;
};

#define BOOTORDER_AHCI_CDROM "/pci@i0cf8/pci8086,2922@1f,2/drive@0/disk@0"

/*
 * The fw_cfg `bootorder` file for @order: OpenFirmware device paths, one a
 * line, in the forms QEMU emits (SeaBIOS matches them against its own glob
 * patterns, OVMF's QemuBootOrderLib translates them to UEFI device paths),
 * ending with HALT so SeaBIOS tries nothing else. NUL-terminated; *len counts
 * the NUL. A device in @order that the machine lacks is left out.
 */
char *bootorder_build (const enum machine_boot_device *order, unsigned n,
                       const struct bootorder_devices *devs, size_t *len);
