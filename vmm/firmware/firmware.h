/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "firmware/bootorder.h"
#include "firmware/debugcon.h"
#include "firmware/fw-cfg.h"
#include "firmware/pflash.h"
#include "machine-config.h"
#include "platform/acpi.h"
#include "vm.h"

/*
 * Booting Debian's stock firmware instead of a kernel: SeaBIOS's bios.bin as
 * a ROM at the top of 4 GiB (its last 128 KiB also in RAM at 0xE0000, where
 * the CPU's first far jump lands), or OVMF's code as a ROM there with its
 * variable store in CFI flash below it. Both get fw_cfg (memory map, CPUs,
 * boot order, ACPI through the table loader) and the debug console.
 *
 * The files can be overridden with TERRARIUM_SEABIOS, TERRARIUM_OVMF_CODE and
 * TERRARIUM_OVMF_VARS (the template for new variable stores).
 */

#define FIRMWARE_SEABIOS_PATH     "/usr/share/seabios/bios-256k.bin"
#define FIRMWARE_OVMF_CODE_PATH   "/usr/share/OVMF/OVMF_CODE_4M.fd"
#define FIRMWARE_OVMF_VARS_PATH   "/usr/share/OVMF/OVMF_VARS_4M.fd"
#define FIRMWARE_OVMF_VARS_SIZE   0x84000
#define FIRMWARE_ISA_BIOS_SIZE    0x20000   /* what appears below 1 MiB */

struct firmware {
  struct vm *vm;
  struct fw_cfg fw_cfg;
  bool fw_cfg_up;
  struct debugcon debugcon;
  bool debugcon_up;
  uint8_t *rom;             /* bios.bin or OVMF code, page-aligned */
  size_t rom_size;
  int rom_slot;
  struct pflash vars;
  bool vars_up;
  int vars_slot;
};

/* Checks that @cfg's firmware files are there and readable, before any KVM
 * work; -errno with *why naming the file and the Debian package. */
int firmware_check (const struct machine_config *cfg, char **why)
  __attribute__ ((warn_unused_result));

/* Maps the firmware into @vm and sets up fw_cfg with @acpi (built for base
 * 0) and a boot order over @devs. Returns 0 or -errno with *why (g_free). */
int firmware_init (struct firmware *fw, struct vm *vm, const struct machine_config *cfg,
                   const struct bootorder_devices *devs, const struct acpi_tables *acpi,
                   char **why) __attribute__ ((warn_unused_result));
/* Before the VM goes; logs which fw_cfg files the firmware read. */
void firmware_destroy (struct firmware *fw);
