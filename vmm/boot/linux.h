/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

#include "memory/guest-memory.h"

/*
 * Linux direct boot (x86-64), per the kernel's Documentation/arch/x86/boot.rst:
 * loads a bzImage and an initrd into guest RAM, writes the zero page (struct
 * boot_params) with the command line and the e820 map, identity-mapped page
 * tables and a GDT, and describes the vCPU state for the 64-bit entry point.
 *
 * The vCPU state is plain data so this file stays KVM-agnostic and unit
 * testable; the KVM layer turns it into KVM_SET_SREGS / KVM_SET_REGS for the
 * boot processor (the others wait for INIT/SIPI from the guest).
 *
 * Low memory this loader uses (all in the first 640 KiB, which the e820 map
 * reports as RAM; the kernel reclaims it after boot):
 */
#define LINUX_BOOT_GDT_ADDR        0x500ull
#define LINUX_BOOT_TSS_ADDR        0x600ull
#define LINUX_BOOT_ZERO_PAGE_ADDR  0x7000ull
#define LINUX_BOOT_STACK_TOP       0x8ff0ull
#define LINUX_BOOT_PML4_ADDR       0x9000ull
#define LINUX_BOOT_PDPT_ADDR       0xa000ull
#define LINUX_BOOT_PD_ADDR         0xb000ull   /* 4 page directories, to 0xefff */
#define LINUX_BOOT_CMDLINE_ADDR    0x20000ull
#define LINUX_BOOT_CMDLINE_MAX     0x10000ull  /* bytes reserved there, NUL included */
#define LINUX_BOOT_KERNEL_ADDR     0x100000ull

/* The top of conventional memory: EBDA, VGA hole, option ROMs and BIOS area
 * (where the ACPI tables go, at 0xE0000) are reserved up to 1 MiB. */
#define LINUX_BOOT_EBDA_ADDR       0x9fc00ull

/* GDT selectors the 64-bit boot protocol requires (__BOOT_CS, __BOOT_DS). */
#define LINUX_BOOT_CS_SELECTOR     0x10
#define LINUX_BOOT_DS_SELECTOR     0x18
#define LINUX_BOOT_TR_SELECTOR     0x20

/* e820 types */
#define LINUX_E820_RAM       1
#define LINUX_E820_RESERVED  2

#define LINUX_E820_MAX_ENTRIES 128  /* what the zero page holds */

struct linux_e820_entry {
  uint64_t addr;
  uint64_t size;
  uint32_t type;
};

/* A segment register as the CPU caches it; limit is in bytes (already scaled
 * when g is set), as KVM's struct kvm_segment wants it. */
struct linux_boot_segment {
  uint64_t base;
  uint32_t limit;
  uint16_t selector;
  uint8_t type;
  uint8_t present;
  uint8_t dpl;
  uint8_t db;
  uint8_t s;
  uint8_t l;
  uint8_t g;
};

struct linux_boot_state {
  /* Registers of the boot processor at the 64-bit entry point. */
  uint64_t rip;
  uint64_t rsi;   /* the zero page */
  uint64_t rsp;
  uint64_t rflags;
  uint64_t cr0;
  uint64_t cr3;
  uint64_t cr4;
  uint64_t efer;
  uint64_t gdt_base;
  uint16_t gdt_limit;
  struct linux_boot_segment cs, ds, es, fs, gs, ss;
  struct linux_boot_segment tr;   /* VMX wants a busy 64-bit TSS in long mode */

  /* Where things went, for logs and tests. */
  uint64_t kernel_addr;
  uint64_t kernel_size;   /* bytes copied from the file */
  uint64_t kernel_end;    /* end of what the kernel uses while it boots (init_size) */
  uint64_t initrd_addr;   /* 0 without an initrd */
  uint64_t initrd_size;
  uint64_t cmdline_addr;
  uint16_t protocol;      /* boot protocol version, 0x020f for 2.15 */
};

/*
 * Loads @kernel_path (a bzImage) and @initrd_path (NULL for none) into @mem,
 * with @cmdline (NULL for empty) and the ACPI RSDP at @acpi_rsdp_addr (0: the
 * kernel scans the BIOS area for it). Fills @state for the boot vCPU.
 *
 * Reads the files straight into guest RAM. Returns 0, or -errno with *why
 * (g_free) saying what is wrong in words a user can act on.
 */
int linux_boot_load (struct guest_memory *mem, const char *kernel_path, const char *initrd_path,
                     const char *cmdline, uint64_t acpi_rsdp_addr,
                     struct linux_boot_state *state, char **why)
  __attribute__ ((warn_unused_result));

/*
 * The e820 memory map for @mem, sorted by address: the BIOS areas, low RAM,
 * the ECAM window and high RAM. Returns the number of entries (at most @max).
 * Firmware tables (fw_cfg) can reuse it.
 */
unsigned linux_boot_build_e820 (const struct guest_memory *mem, struct linux_e820_entry *out,
                                unsigned max);
