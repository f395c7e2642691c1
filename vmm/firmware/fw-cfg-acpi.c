/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "fw-cfg"

#include "config.h"

#include "fw-cfg-acpi.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "log.h"

static void
put_le32 (uint8_t *p, uint32_t v)
{
  for (unsigned i = 0; i < 4; i++)
    p[i] = v >> (8 * i);
}

static uint8_t *
loader_entry (GByteArray *loader, uint32_t command)
{
  guint old = loader->len;

  g_byte_array_set_size (loader, old + FW_CFG_LOADER_ENTRY_SIZE);
  memset (loader->data + old, 0, FW_CFG_LOADER_ENTRY_SIZE);
  put_le32 (loader->data + old, command);
  return loader->data + old + 4;
}

static void
loader_allocate (GByteArray *loader, const char *file, uint32_t align, uint8_t zone)
{
  uint8_t *e = loader_entry (loader, FW_CFG_LOADER_ALLOCATE);

  memcpy (e, file, strlen (file));
  put_le32 (e + FW_CFG_NAME_LEN, align);
  e[FW_CFG_NAME_LEN + 4] = zone;
}

/* The RSDP (bytes 0..ACPI_RSDP_SIZE of the blob) is a file of its own, so
 * blob offsets below that are in it, and the same offsets apply. */
static bool
loader_in_rsdp (uint32_t offset)
{
  return offset < ACPI_RSDP_OFFSET + ACPI_RSDP_SIZE;
}

static const char *
loader_file_of (uint32_t offset)
{
  return loader_in_rsdp (offset) ? FW_CFG_ACPI_RSDP : FW_CFG_ACPI_TABLES;
}

int
fw_cfg_add_acpi (struct fw_cfg *c, const struct acpi_tables *t)
{
  g_autoptr (GByteArray) loader = g_byte_array_new ();
  g_autofree uint8_t *tables = NULL;
  int ret;

  if (t->base != 0 || t->size <= ACPI_RSDP_SIZE || t->size > UINT32_MAX)
    {
      vmm_error ("fw_cfg: the ACPI tables must be built for base 0");
      return -EINVAL;
    }
  /* The RSDP's bytes stay zero in the tables file: the only RSDP the guest
   * finds is the one the firmware put in the F segment. */
  tables = g_memdup2 (t->blob, t->size);
  memset (tables + ACPI_RSDP_OFFSET, 0, ACPI_RSDP_SIZE);

  /* Every ALLOCATE before any pointer: a pointer needs both files placed. */
  loader_allocate (loader, FW_CFG_ACPI_RSDP, 16, FW_CFG_LOADER_ZONE_FSEG);
  loader_allocate (loader, FW_CFG_ACPI_TABLES, 64, FW_CFG_LOADER_ZONE_HIGH);
  for (unsigned i = 0; i < t->n_pointers; i++)
    {
      const struct acpi_pointer *p = &t->pointers[i];
      const char *dest = loader_file_of (p->offset);
      uint8_t *e = loader_entry (loader, FW_CFG_LOADER_ADD_POINTER);

      if (loader_in_rsdp (p->target))
        {
          vmm_error ("fw_cfg: an ACPI pointer targets the RSDP");
          return -EINVAL;
        }
      memcpy (e, dest, strlen (dest));
      memcpy (e + FW_CFG_NAME_LEN, FW_CFG_ACPI_TABLES, strlen (FW_CFG_ACPI_TABLES));
      put_le32 (e + 2 * FW_CFG_NAME_LEN, p->offset);
      e[2 * FW_CFG_NAME_LEN + 4] = p->size;
    }
  /* In the builder's order: the RSDP's extended checksum covers its first. */
  for (unsigned i = 0; i < t->n_checksums; i++)
    {
      const struct acpi_checksum *k = &t->checksums[i];
      const char *file = loader_file_of (k->offset);
      uint8_t *e = loader_entry (loader, FW_CFG_LOADER_ADD_CHECKSUM);

      if (k->length == 0 || loader_in_rsdp (k->start) != loader_in_rsdp (k->offset) ||
          loader_in_rsdp (k->start + k->length - 1) != loader_in_rsdp (k->offset))
        {
          vmm_error ("fw_cfg: an ACPI checksum spans two files");
          return -EINVAL;
        }
      memcpy (e, file, strlen (file));
      put_le32 (e + FW_CFG_NAME_LEN, k->offset);
      put_le32 (e + FW_CFG_NAME_LEN + 4, k->start);
      put_le32 (e + FW_CFG_NAME_LEN + 8, k->length);
    }

  if ((ret = fw_cfg_add_file (c, FW_CFG_ACPI_RSDP, t->blob + ACPI_RSDP_OFFSET, ACPI_RSDP_SIZE,
                              false)) < 0 ||
      (ret = fw_cfg_add_file (c, FW_CFG_ACPI_TABLES, tables, t->size, false)) < 0 ||
      (ret = fw_cfg_add_file (c, FW_CFG_TABLE_LOADER, loader->data, loader->len, false)) < 0)
    return ret;
  return 0;
}
