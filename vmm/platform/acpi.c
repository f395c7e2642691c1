/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "acpi"

#include "config.h"

#include "acpi.h"

#include "log.h"
#include "platform/acpi-dsdt.h"
#include "platform/pci-host.h"
#include "platform/pm.h"
#include "vm.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define ACPI_HEADER_SIZE   36
#define ACPI_OEM_ID        "TRRIUM"
#define ACPI_OEM_TABLE_ID  "TERRARIU"
#define ACPI_CREATOR_ID    "TRRM"
#define ACPI_FADT_SIZE     276
#define ACPI_FACS_SIZE     64

/* FADT flags and IA-PC boot architecture flags (ACPI 6.x, table 5.10/5.11). */
#define FADT_F_WBINVD          (1u << 0)
#define FADT_F_PROC_C1         (1u << 2)
#define FADT_F_SLP_BUTTON      (1u << 5)   /* set: no sleep button */
#define FADT_F_RESET_REG_SUP   (1u << 10)
#define FADT_BOOT_LEGACY_DEVICES (1u << 0)
#define FADT_BOOT_8042         (1u << 1)   /* Linux skips the i8042 without it */
#define FADT_BOOT_VGA_NOT_PRESENT (1u << 2)

#define GAS_SYSTEM_IO      1

struct acpi_builder {
  GByteArray *blob;
  struct acpi_tables *t;
  bool failed;
};

static void
acpi_put (struct acpi_builder *b, uint32_t off, uint64_t v, unsigned n)
{
  unsigned i;

  for (i = 0; i < n; i++)
    b->blob->data[off + i] = v >> (8 * i);
}

static void
acpi_put_str (struct acpi_builder *b, uint32_t off, const char *s, size_t n)
{
  memcpy (b->blob->data + off, s, MIN (strlen (s), n));
}

/* Appends @len zero bytes aligned to @align; returns their offset. */
static uint32_t
acpi_alloc (struct acpi_builder *b, size_t len, size_t align)
{
  uint32_t old = b->blob->len;
  uint32_t off = (old + align - 1) & ~(align - 1);

  g_byte_array_set_size (b->blob, off + len);
  memset (b->blob->data + old, 0, off + len - old);
  return off;
}

static void
acpi_pointer (struct acpi_builder *b, uint32_t off, unsigned size, uint32_t target)
{
  struct acpi_tables *t = b->t;

  if (t->n_pointers == ACPI_MAX_POINTERS)
    {
      b->failed = true;
      return;
    }
  t->pointers[t->n_pointers++] = (struct acpi_pointer) { off, size, target };
}

static void
acpi_checksum (struct acpi_builder *b, uint32_t start, uint32_t length, uint32_t offset)
{
  struct acpi_tables *t = b->t;

  if (t->n_checksums == G_N_ELEMENTS (t->checksums))
    {
      b->failed = true;
      return;
    }
  t->checksums[t->n_checksums++] = (struct acpi_checksum) { start, length, offset };
}

/* A table with its standard header; the body follows at offset + 36. */
static uint32_t
acpi_table (struct acpi_builder *b, const char *sig, uint8_t revision, uint32_t length)
{
  struct acpi_tables *t = b->t;
  uint32_t off = acpi_alloc (b, length, 8);

  acpi_put_str (b, off, sig, 4);
  acpi_put (b, off + 4, length, 4);
  acpi_put (b, off + 8, revision, 1);
  acpi_put_str (b, off + 10, ACPI_OEM_ID, 6);
  acpi_put_str (b, off + 16, ACPI_OEM_TABLE_ID, 8);
  acpi_put (b, off + 24, 1, 4);
  acpi_put_str (b, off + 28, ACPI_CREATOR_ID, 4);
  acpi_put (b, off + 32, 1, 4);
  acpi_checksum (b, off, length, off + 9);
  if (t->n_tables == ACPI_MAX_TABLES)
    b->failed = true;
  else
    {
      struct acpi_table_info *info = &t->tables[t->n_tables++];

      memcpy (info->signature, sig, 4);
      info->signature[4] = '\0';
      info->offset = off;
      info->length = length;
    }
  return off;
}

static void
acpi_gas (struct acpi_builder *b, uint32_t off, uint8_t space, uint8_t bits, uint8_t access,
          uint64_t address)
{
  acpi_put (b, off, space, 1);
  acpi_put (b, off + 1, bits, 1);
  acpi_put (b, off + 2, 0, 1);
  acpi_put (b, off + 3, access, 1);
  acpi_put (b, off + 4, address, 8);
}

static uint32_t
acpi_build_facs (struct acpi_builder *b)
{
  /* No header checksum: the FACS is the one table without one. */
  uint32_t off = acpi_alloc (b, ACPI_FACS_SIZE, 64);

  acpi_put_str (b, off, "FACS", 4);
  acpi_put (b, off + 4, ACPI_FACS_SIZE, 4);
  acpi_put (b, off + 32, 2, 1); /* version */
  return off;
}

static uint32_t
acpi_build_dsdt (struct acpi_builder *b)
{
  g_autoptr (GByteArray) aml = acpi_dsdt_build_aml ();
  uint32_t off;

  if (!aml)
    {
      b->failed = true;
      return 0;
    }
  off = acpi_table (b, "DSDT", 2, ACPI_HEADER_SIZE + aml->len);
  memcpy (b->blob->data + off + ACPI_HEADER_SIZE, aml->data, aml->len);
  return off;
}

static uint32_t
acpi_build_fadt (struct acpi_builder *b, uint32_t facs, uint32_t dsdt)
{
  const uint16_t pm = PCI_HOST_PMBASE_DEFAULT;
  uint32_t f = acpi_table (b, "FACP", 6, ACPI_FADT_SIZE);

  acpi_put (b, f + 36, 0, 4);       /* FIRMWARE_CTRL, patched */
  acpi_pointer (b, f + 36, 4, facs);
  acpi_put (b, f + 40, 0, 4);       /* DSDT, patched */
  acpi_pointer (b, f + 40, 4, dsdt);
  acpi_put (b, f + 45, 0, 1);       /* preferred PM profile: unspecified */
  acpi_put (b, f + 46, PM_SCI_IRQ, 2);
  /* SMI_CMD, ACPI_ENABLE, ACPI_DISABLE stay 0: ACPI is always on. */
  acpi_put (b, f + 56, pm + PM1_EVT_OFFSET, 4);
  acpi_put (b, f + 64, pm + PM1_CNT_OFFSET, 4);
  acpi_put (b, f + 76, pm + PM_TMR_OFFSET, 4);
  acpi_put (b, f + 80, pm + PM_GPE0_OFFSET, 4);
  acpi_put (b, f + 88, PM1_EVT_LEN, 1);
  acpi_put (b, f + 89, PM1_CNT_LEN, 1);
  acpi_put (b, f + 91, PM_TMR_LEN, 1);
  acpi_put (b, f + 92, PM_GPE0_LEN, 1);
  acpi_put (b, f + 96, 0x0fff, 2);  /* P_LVL2_LAT > 100: no C2 */
  acpi_put (b, f + 98, 0x0fff, 2);  /* P_LVL3_LAT > 1000: no C3 */
  acpi_put (b, f + 108, 0x32, 1);   /* CENTURY: CMOS register */
  acpi_put (b, f + 109, FADT_BOOT_LEGACY_DEVICES | FADT_BOOT_8042 | FADT_BOOT_VGA_NOT_PRESENT, 2);
  /* PWR_BUTTON clear: the fixed-feature power button is there. */
  acpi_put (b, f + 112, FADT_F_WBINVD | FADT_F_PROC_C1 | FADT_F_SLP_BUTTON | FADT_F_RESET_REG_SUP, 4);
  acpi_gas (b, f + 116, GAS_SYSTEM_IO, 8, 1, PM_RESET_PORT);
  acpi_put (b, f + 128, PM_RESET_VALUE, 1);
  acpi_put (b, f + 131, 0, 1);      /* FADT minor version */
  acpi_put (b, f + 140, 0, 8);      /* X_DSDT, patched */
  acpi_pointer (b, f + 140, 8, dsdt);
  acpi_gas (b, f + 148, GAS_SYSTEM_IO, PM1_EVT_LEN * 8, 0, pm + PM1_EVT_OFFSET);
  acpi_gas (b, f + 172, GAS_SYSTEM_IO, PM1_CNT_LEN * 8, 0, pm + PM1_CNT_OFFSET);
  acpi_gas (b, f + 208, GAS_SYSTEM_IO, PM_TMR_LEN * 8, 0, pm + PM_TMR_OFFSET);
  acpi_gas (b, f + 220, GAS_SYSTEM_IO, PM_GPE0_LEN * 8, 0, pm + PM_GPE0_OFFSET);
  return f;
}

static uint32_t
acpi_build_madt (struct acpi_builder *b, unsigned n_vcpus)
{
  uint32_t len = ACPI_HEADER_SIZE + 8 + 8 * n_vcpus + 12 + 2 * 10 + 6;
  uint32_t m = acpi_table (b, "APIC", 4, len);
  uint32_t e = m + ACPI_HEADER_SIZE + 8;
  unsigned i;

  acpi_put (b, m + 36, VM_LAPIC_BASE, 4);
  acpi_put (b, m + 40, 1, 4); /* PCAT_COMPAT: there are 8259s too */
  for (i = 0; i < n_vcpus; i++, e += 8)
    {
      acpi_put (b, e, 0, 1);      /* processor local APIC */
      acpi_put (b, e + 1, 8, 1);
      acpi_put (b, e + 2, i, 1);  /* ACPI processor UID */
      acpi_put (b, e + 3, i, 1);  /* APIC ID */
      acpi_put (b, e + 4, 1, 4);  /* enabled */
    }
  acpi_put (b, e, 1, 1);          /* I/O APIC, ID 0, GSIs from 0 */
  acpi_put (b, e + 1, 12, 1);
  acpi_put (b, e + 4, VM_IOAPIC_BASE, 4);
  e += 12;
  /* ISA IRQ 0 (the PIT) is IOAPIC pin 2, as on PC chipsets. */
  acpi_put (b, e, 2, 1);
  acpi_put (b, e + 1, 10, 1);
  acpi_put (b, e + 3, 0, 1);
  acpi_put (b, e + 4, 2, 4);
  e += 10;
  /* The SCI: level-triggered, active high (flags: polarity 01, trigger 11). */
  acpi_put (b, e, 2, 1);
  acpi_put (b, e + 1, 10, 1);
  acpi_put (b, e + 3, PM_SCI_IRQ, 1);
  acpi_put (b, e + 4, PM_SCI_IRQ, 4);
  acpi_put (b, e + 8, 0x000d, 2);
  e += 10;
  /* LINT1 of every CPU is NMI. */
  acpi_put (b, e, 4, 1);
  acpi_put (b, e + 1, 6, 1);
  acpi_put (b, e + 2, 0xff, 1);
  acpi_put (b, e + 3, 0x0005, 2);
  acpi_put (b, e + 5, 1, 1);
  return m;
}

static uint32_t
acpi_build_mcfg (struct acpi_builder *b)
{
  uint32_t m = acpi_table (b, "MCFG", 1, ACPI_HEADER_SIZE + 8 + 16);

  acpi_put (b, m + 44, VM_ECAM_BASE, 8);
  acpi_put (b, m + 52, 0, 2);                            /* segment */
  acpi_put (b, m + 54, 0, 1);                            /* first bus */
  acpi_put (b, m + 55, (VM_ECAM_SIZE >> 20) - 1, 1);     /* last bus */
  return m;
}

static uint32_t
acpi_build_xsdt (struct acpi_builder *b, const uint32_t *tables, unsigned n)
{
  uint32_t x = acpi_table (b, "XSDT", 1, ACPI_HEADER_SIZE + 8 * n);
  unsigned i;

  for (i = 0; i < n; i++)
    acpi_pointer (b, x + ACPI_HEADER_SIZE + 8 * i, 8, tables[i]);
  return x;
}

static void
acpi_build_rsdp (struct acpi_builder *b, uint32_t xsdt)
{
  acpi_put_str (b, ACPI_RSDP_OFFSET, "RSD PTR ", 8);
  acpi_put_str (b, ACPI_RSDP_OFFSET + 9, ACPI_OEM_ID, 6);
  acpi_put (b, ACPI_RSDP_OFFSET + 15, 2, 1);            /* ACPI 2.0+ */
  acpi_put (b, ACPI_RSDP_OFFSET + 16, 0, 4);            /* no RSDT */
  acpi_put (b, ACPI_RSDP_OFFSET + 20, ACPI_RSDP_SIZE, 4);
  acpi_pointer (b, ACPI_RSDP_OFFSET + 24, 8, xsdt);
  /* The 20-byte (ACPI 1.0) checksum first: the extended one covers it. */
  acpi_checksum (b, ACPI_RSDP_OFFSET, 20, ACPI_RSDP_OFFSET + 8);
  acpi_checksum (b, ACPI_RSDP_OFFSET, ACPI_RSDP_SIZE, ACPI_RSDP_OFFSET + 32);
}

int
acpi_tables_set_base (struct acpi_tables *t, uint64_t base)
{
  unsigned i;

  if (base % 64 != 0 || base + t->size > 0x100000000ull)
    {
      vmm_error ("ACPI tables cannot live at 0x%" G_GINT64_MODIFIER "x: they need 64-byte "
                 "alignment and to end below 4 GiB", base);
      return -EINVAL;
    }
  t->base = base;
  for (i = 0; i < t->n_pointers; i++)
    {
      const struct acpi_pointer *p = &t->pointers[i];
      uint64_t v = base + p->target;
      unsigned j;

      for (j = 0; j < p->size; j++)
        t->blob[p->offset + j] = v >> (8 * j);
    }
  for (i = 0; i < t->n_checksums; i++)
    {
      const struct acpi_checksum *c = &t->checksums[i];
      uint8_t sum = 0;
      uint32_t j;

      t->blob[c->offset] = 0;
      for (j = 0; j < c->length; j++)
        sum += t->blob[c->start + j];
      t->blob[c->offset] = -sum;
    }
  return 0;
}

int
acpi_build_tables (struct acpi_tables *out, unsigned n_vcpus, uint64_t base)
{
  struct acpi_builder b = { g_byte_array_new (), out, false };
  uint32_t facs, dsdt, xsdt_entries[3];
  int ret;

  memset (out, 0, sizeof *out);
  if (n_vcpus == 0 || n_vcpus > VM_MAX_VCPUS)
    {
      vmm_error ("ACPI: %u vCPUs is not between 1 and %u", n_vcpus, VM_MAX_VCPUS);
      g_byte_array_unref (b.blob);
      return -EINVAL;
    }
  acpi_alloc (&b, ACPI_RSDP_SIZE, 16);
  facs = acpi_build_facs (&b);
  dsdt = acpi_build_dsdt (&b);
  xsdt_entries[0] = acpi_build_fadt (&b, facs, dsdt);
  xsdt_entries[1] = acpi_build_madt (&b, n_vcpus);
  xsdt_entries[2] = acpi_build_mcfg (&b);
  acpi_build_rsdp (&b, acpi_build_xsdt (&b, xsdt_entries, G_N_ELEMENTS (xsdt_entries)));
  if (b.failed)
    {
      vmm_error ("ACPI: building the tables failed");
      g_byte_array_unref (b.blob);
      memset (out, 0, sizeof *out);
      return -EINVAL;
    }
  out->size = b.blob->len;
  out->blob = g_byte_array_free (b.blob, FALSE);
  if ((ret = acpi_tables_set_base (out, base)) < 0)
    {
      acpi_tables_free (out);
      return ret;
    }
  return 0;
}

void
acpi_tables_free (struct acpi_tables *t)
{
  g_free (t->blob);
  memset (t, 0, sizeof *t);
}

const struct acpi_table_info *
acpi_tables_find (const struct acpi_tables *t, const char *signature)
{
  unsigned i;

  for (i = 0; i < t->n_tables; i++)
    if (strncmp (t->tables[i].signature, signature, 4) == 0)
      return &t->tables[i];
  return NULL;
}
