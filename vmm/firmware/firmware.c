/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "firmware"

#include "config.h"

#include "firmware.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "firmware/fw-cfg-acpi.h"
#include "log.h"

#define E820_RAM 1

static const char *
firmware_path (const char *env, const char *fallback)
{
  const char *p = g_getenv (env);

  return p && *p ? p : fallback;
}

static int
firmware_check_file (const char *path, const char *what, const char *package, char **why)
{
  if (access (path, R_OK) == 0)
    return 0;
  *why = g_strdup_printf (_("Cannot read the %s firmware “%s”: %s. Install the %s package."),
                          what, path, g_strerror (errno), package);
  return -ENOENT;
}

int
firmware_check (const struct machine_config *cfg, char **why)
{
  switch (cfg->firmware)
    {
    case MACHINE_FIRMWARE_BIOS:
      return firmware_check_file (firmware_path ("TERRARIUM_SEABIOS", FIRMWARE_SEABIOS_PATH),
                                  "BIOS", "seabios", why);
    case MACHINE_FIRMWARE_UEFI:
      {
        int ret = firmware_check_file (firmware_path ("TERRARIUM_OVMF_CODE",
                                                      FIRMWARE_OVMF_CODE_PATH),
                                       "UEFI", "ovmf", why);

        /* An existing store needs no template. */
        if (ret == 0 && !(cfg->uefi_vars && g_file_test (cfg->uefi_vars, G_FILE_TEST_EXISTS)))
          ret = firmware_check_file (firmware_path ("TERRARIUM_OVMF_VARS",
                                                    FIRMWARE_OVMF_VARS_PATH),
                                     "UEFI variable store", "ovmf", why);
        return ret;
      }
    default:
      return 0;
    }
}

/* Reads the ROM image into page-aligned memory KVM can map. */
static int
firmware_load_rom (struct firmware *fw, const char *path, size_t min, size_t max, char **why)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!g_file_get_contents (path, &contents, &len, &error))
    {
      *why = g_strdup_printf (_("Cannot read the firmware: %s."), error->message);
      return -EIO;
    }
  if (len < min || len > max || len % 4096)
    {
      *why = g_strdup_printf (_("The firmware “%s” has an unexpected size (%zu bytes)."), path,
                              (size_t) len);
      return -EINVAL;
    }
  fw->rom = mmap (NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (fw->rom == MAP_FAILED)
    {
      fw->rom = NULL;
      *why = g_strdup_printf ("mmap: %s", g_strerror (errno));
      return -ENOMEM;
    }
  memcpy (fw->rom, contents, len);
  fw->rom_size = len;
  return 0;
}

/* The ROM, read-only, so that it ends at 4 GiB: the reset vector is there. */
static int
firmware_map_rom (struct firmware *fw, char **why)
{
  int ret;

  fw->rom_slot = vm_memslot_new (fw->vm);
  ret = vm_memslot_set (fw->vm, fw->rom_slot, VM_FLASH_END - fw->rom_size, fw->rom_size,
                        fw->rom, true);
  if (ret < 0)
    {
      fw->rom_slot = -1;
      *why = g_strdup_printf (_("Cannot map the firmware into the virtual machine: %s."),
                              g_strerror (-ret));
    }
  return ret;
}

static int
firmware_vars_set_mapped (void *opaque, bool mapped)
{
  struct firmware *fw = opaque;

  return vm_memslot_set (fw->vm, fw->vars_slot, VM_FLASH_END - fw->rom_size - fw->vars.size,
                         mapped ? fw->vars.size : 0, fw->vars.data, true);
}

static const struct pflash_ops firmware_vars_ops = {
  .set_mapped = firmware_vars_set_mapped,
};

static int
firmware_setup_seabios (struct firmware *fw, char **why)
{
  const char *path = firmware_path ("TERRARIUM_SEABIOS", FIRMWARE_SEABIOS_PATH);
  int ret;

  if ((ret = firmware_load_rom (fw, path, FIRMWARE_ISA_BIOS_SIZE, 2 * FIRMWARE_ISA_BIOS_SIZE,
                                why)) < 0 ||
      (ret = firmware_map_rom (fw, why)) < 0)
    return ret;
  /* The "shadowed" copy the CPU runs after its first jump; SeaBIOS later
   * copies the rest of itself from the ROM alias below 4 GiB. */
  ret = guest_memory_write (&fw->vm->mem, 0x100000 - FIRMWARE_ISA_BIOS_SIZE,
                            fw->rom + fw->rom_size - FIRMWARE_ISA_BIOS_SIZE,
                            FIRMWARE_ISA_BIOS_SIZE);
  if (ret < 0)
    *why = g_strdup (_("The virtual machine has too little memory for the BIOS."));
  vmm_debug ("SeaBIOS %s: %zu KiB at %#" G_GINT64_MODIFIER "x", path, fw->rom_size >> 10,
             (uint64_t) (VM_FLASH_END - fw->rom_size));
  return ret;
}

static int
firmware_setup_ovmf (struct firmware *fw, const struct machine_config *cfg, char **why)
{
  const char *code = firmware_path ("TERRARIUM_OVMF_CODE", FIRMWARE_OVMF_CODE_PATH);
  const char *vars = firmware_path ("TERRARIUM_OVMF_VARS", FIRMWARE_OVMF_VARS_PATH);
  uint64_t vars_base;
  int ret;

  if ((ret = firmware_load_rom (fw, code, 0x100000,
                                VM_FLASH_END - VM_FLASH_BASE - FIRMWARE_OVMF_VARS_SIZE, why)) < 0 ||
      (ret = firmware_map_rom (fw, why)) < 0)
    return ret;
  if ((ret = pflash_open (&fw->vars, cfg->uefi_vars, vars, FIRMWARE_OVMF_VARS_SIZE, why)) < 0)
    return ret;
  fw->vars_up = true;
  fw->vars_slot = vm_memslot_new (fw->vm);
  vars_base = VM_FLASH_END - fw->rom_size - FIRMWARE_OVMF_VARS_SIZE;
  ret = pflash_attach (&fw->vars, &fw->vm->mmio, vars_base, &firmware_vars_ops, fw);
  if (ret < 0)
    {
      *why = g_strdup_printf (_("Cannot set up the UEFI variable store: %s."), g_strerror (-ret));
      return ret;
    }
  vmm_debug ("OVMF %s: code %zu KiB, variables at %#" G_GINT64_MODIFIER "x (%s)", code,
             fw->rom_size >> 10, vars_base, cfg->uefi_vars ? cfg->uefi_vars : "in memory");
  return 0;
}

/* RAM as the firmware should report it: below the PCI hole and above 4 GiB.
 * The firmware itself reserves the legacy areas and the ECAM window. */
static int
firmware_add_e820 (struct firmware *fw)
{
  const struct guest_memory *mem = &fw->vm->mem;
  uint8_t table[GUEST_MEMORY_MAX_REGIONS * 20] = { 0 };
  unsigned n = 0;

  for (unsigned i = 0; i < mem->n_regions; i++, n++)
    {
      uint8_t *e = table + n * 20;

      for (unsigned b = 0; b < 8; b++)
        {
          e[b] = mem->regions[i].gpa >> (8 * b);
          e[8 + b] = mem->regions[i].size >> (8 * b);
        }
      e[16] = E820_RAM;
    }
  return fw_cfg_add_file (&fw->fw_cfg, "etc/e820", table, n * 20, false);
}

static int
firmware_add_items (struct firmware *fw, const struct machine_config *cfg,
                    const struct bootorder_devices *devs, const struct acpi_tables *acpi)
{
  struct fw_cfg *c = &fw->fw_cfg;
  uint8_t uuid[16] = { 0 };
  static const uint8_t no_numa[8] = { 0 };
  static const uint8_t system_states[6] = { 0 };  /* no S3/S4: only S5 in our DSDT */
  g_autofree char *order = NULL;
  size_t order_len;
  int ret;

  /* The UUID's text form, in the byte order SMBIOS and QEMU use. */
  if (cfg->uuid)
    for (unsigned i = 0, j = 0; cfg->uuid[j] && i < 16; j++)
      if (g_ascii_isxdigit (cfg->uuid[j]) && g_ascii_isxdigit (cfg->uuid[j + 1]))
        {
          uuid[i++] = g_ascii_xdigit_value (cfg->uuid[j]) << 4 |
                      g_ascii_xdigit_value (cfg->uuid[j + 1]);
          j++;
        }
  order = bootorder_build (cfg->boot_order, cfg->n_boot, devs, &order_len);
  if ((ret = fw_cfg_add_bytes (c, FW_CFG_UUID, uuid, sizeof uuid)) < 0 ||
      (ret = fw_cfg_add_u64 (c, FW_CFG_RAM_SIZE, fw->vm->mem.size)) < 0 ||
      (ret = fw_cfg_add_u16 (c, FW_CFG_NOGRAPHIC, 0)) < 0 ||
      (ret = fw_cfg_add_u16 (c, FW_CFG_NB_CPUS, cfg->cpus)) < 0 ||
      (ret = fw_cfg_add_u16 (c, FW_CFG_MAX_CPUS, cfg->cpus)) < 0 ||
      (ret = fw_cfg_add_bytes (c, FW_CFG_NUMA, no_numa, sizeof no_numa)) < 0 ||
      /* No interactive boot menu: boots go straight to the first device. */
      (ret = fw_cfg_add_u16 (c, FW_CFG_BOOT_MENU, 0)) < 0 ||
      (ret = fw_cfg_add_u32 (c, FW_CFG_IRQ0_OVERRIDE, 1)) < 0 ||
      (ret = firmware_add_e820 (fw)) < 0 ||
      (ret = fw_cfg_add_file (c, "etc/boot-menu-wait", &(uint16_t) { 0 }, 2, false)) < 0 ||
      (ret = fw_cfg_add_file (c, "etc/system-states", system_states, sizeof system_states,
                              false)) < 0 ||
      (ret = fw_cfg_add_file (c, "bootorder", order, order_len, false)) < 0 ||
      (ret = fw_cfg_add_acpi (c, acpi)) < 0)
    return ret;
  vmm_debug ("boot order: %s", order);
  return 0;
}

int
firmware_init (struct firmware *fw, struct vm *vm, const struct machine_config *cfg,
               const struct bootorder_devices *devs, const struct acpi_tables *acpi, char **why)
{
  int ret;

  memset (fw, 0, sizeof *fw);
  fw->vm = vm;
  fw->rom_slot = -1;
  fw->vars_slot = -1;
  fw->vars.fd = -1;

  ret = cfg->firmware == MACHINE_FIRMWARE_UEFI ? firmware_setup_ovmf (fw, cfg, why)
                                              : firmware_setup_seabios (fw, why);
  if (ret < 0)
    return ret;
  if ((ret = fw_cfg_init (&fw->fw_cfg, &vm->mem, &vm->pio)) < 0)
    goto fail_devices;
  fw->fw_cfg_up = true;
  if ((ret = debugcon_init (&fw->debugcon, &vm->pio)) < 0)
    goto fail_devices;
  fw->debugcon_up = true;
  if ((ret = firmware_add_items (fw, cfg, devs, acpi)) < 0)
    goto fail_devices;
  return 0;

fail_devices:
  *why = g_strdup_printf (_("Cannot set up the firmware's devices: %s."), g_strerror (-ret));
  return ret;
}

void
firmware_destroy (struct firmware *fw)
{
  if (fw->fw_cfg_up)
    {
      g_autofree char *files = fw_cfg_dup_requested (&fw->fw_cfg);

      vmm_debug ("fw_cfg files the firmware read: %s", *files ? files : "(none)");
      fw_cfg_destroy (&fw->fw_cfg);
      fw->fw_cfg_up = false;
    }
  if (fw->debugcon_up)
    debugcon_destroy (&fw->debugcon);
  fw->debugcon_up = false;
  /* Out of KVM before the memory behind the slots goes. */
  if (fw->vars_slot >= 0 && fw->vars.mapped)
    (void) !vm_memslot_set (fw->vm, fw->vars_slot, 0, 0, NULL, false);
  if (fw->vars_up)
    pflash_destroy (&fw->vars);
  fw->vars_up = false;
  if (fw->rom_slot >= 0)
    (void) !vm_memslot_set (fw->vm, fw->rom_slot, 0, 0, NULL, false);
  fw->rom_slot = -1;
  if (fw->rom)
    munmap (fw->rom, fw->rom_size);
  fw->rom = NULL;
}
