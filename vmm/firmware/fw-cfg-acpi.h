/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "firmware/fw-cfg.h"
#include "platform/acpi.h"

/*
 * Hands the machine's ACPI tables to firmware the way QEMU does: the blob
 * as `etc/acpi/tables`, the RSDP as `etc/acpi/rsdp`, and `etc/table-loader`,
 * a list of 128-byte commands that tell the firmware to place both files
 * (ALLOCATE), to add their final addresses to the pointers inside them
 * (ADD_POINTER) and to fix the checksums (ADD_CHECKSUM).
 */

#define FW_CFG_ACPI_TABLES  "etc/acpi/tables"
#define FW_CFG_ACPI_RSDP    "etc/acpi/rsdp"
#define FW_CFG_TABLE_LOADER "etc/table-loader"

#define FW_CFG_LOADER_ENTRY_SIZE   128
#define FW_CFG_LOADER_ALLOCATE     1
#define FW_CFG_LOADER_ADD_POINTER  2
#define FW_CFG_LOADER_ADD_CHECKSUM 3
#define FW_CFG_LOADER_ZONE_HIGH    1
#define FW_CFG_LOADER_ZONE_FSEG    2

/* @t must have been built (or moved) for base 0, so every pointer holds the
 * offset of its target in the tables file. Returns 0 or -errno (logged). */
int fw_cfg_add_acpi (struct fw_cfg *c, const struct acpi_tables *t)
  __attribute__ ((warn_unused_result));
