/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stddef.h>
#include <stdint.h>

/*
 * The machine's ACPI tables as one blob: RSDP (at offset 0), FACS, DSDT,
 * FADT, MADT, MCFG, XSDT. Pointers inside it are guest-physical addresses for
 * the blob placed at @base; the pointer and checksum lists let the tables be
 * moved (acpi_tables_set_base) or handed to firmware through fw_cfg's
 * table-loader (ADD_POINTER / ADD_CHECKSUM commands).
 *
 * For a direct kernel boot, place it at ACPI_DIRECT_BOOT_BASE: the RSDP then
 * lies in 0xE0000-0xFFFFF on a 16-byte boundary, where Linux scans for it.
 */

#define ACPI_DIRECT_BOOT_BASE 0xe0000u
#define ACPI_MAX_TABLES       8
#define ACPI_MAX_POINTERS     16
#define ACPI_RSDP_OFFSET      0
#define ACPI_RSDP_SIZE        36

struct acpi_table_info {
  char signature[5];
  uint32_t offset;
  uint32_t length;
};

struct acpi_pointer {
  uint32_t offset;     /* of the pointer field in the blob */
  uint8_t size;        /* 4 or 8 bytes */
  uint32_t target;     /* blob offset it points to */
};

struct acpi_checksum {
  uint32_t start, length;  /* bytes summed */
  uint32_t offset;         /* the checksum byte */
};

struct acpi_tables {
  uint8_t *blob;
  size_t size;
  uint64_t base;
  unsigned n_tables;
  struct acpi_table_info tables[ACPI_MAX_TABLES];  /* RSDP not included */
  unsigned n_pointers;
  struct acpi_pointer pointers[ACPI_MAX_POINTERS];
  unsigned n_checksums;    /* applied in order: the RSDP's two come last */
  struct acpi_checksum checksums[ACPI_MAX_TABLES + 2];
};

/* Builds the tables for @n_vcpus (1..VM_MAX_VCPUS) at guest-physical @base
 * (64-byte aligned, the blob below 4 GiB). Returns 0 or -errno (logged). */
int acpi_build_tables (struct acpi_tables *out, unsigned n_vcpus, uint64_t base)
  __attribute__ ((warn_unused_result));

/* Rewrites every pointer and checksum for the blob at @base. */
int acpi_tables_set_base (struct acpi_tables *t, uint64_t base) __attribute__ ((warn_unused_result));

void acpi_tables_free (struct acpi_tables *t);

/* The table with @signature ("DSDT", "APIC"...), or NULL. */
const struct acpi_table_info *acpi_tables_find (const struct acpi_tables *t, const char *signature);
