/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-acpi"

#include "config.h"

#include "test-log.h"

#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "platform/acpi.h"
#include "platform/pci-host.h"
#include "platform/pm.h"
#include "vm.h"

static uint64_t
le (const uint8_t *p, unsigned n)
{
  uint64_t v = 0;

  while (n--)
    v = v << 8 | p[n];
  return v;
}

static uint8_t
sum (const uint8_t *p, size_t n)
{
  uint8_t s = 0;

  while (n--)
    s += *p++;
  return s;
}

/* The table at guest-physical @addr, checked: in the blob, signature, checksum. */
static const uint8_t *
table_at (const struct acpi_tables *t, uint64_t addr, const char *sig)
{
  const uint8_t *p;
  uint32_t len;

  g_assert_cmphex (addr, >=, t->base);
  g_assert_cmphex (addr + 36, <=, t->base + t->size);
  p = t->blob + (addr - t->base);
  g_assert_cmpmem (p, 4, sig, 4);
  len = le (p + 4, 4);
  g_assert_cmphex (addr + len, <=, t->base + t->size);
  g_assert_cmphex (sum (p, len), ==, 0);
  return p;
}

static void
check_chain (const struct acpi_tables *t, unsigned n_vcpus)
{
  const uint8_t *rsdp = t->blob, *xsdt, *fadt = NULL, *madt = NULL, *mcfg = NULL, *dsdt, *facs;
  unsigned i, n, cpus = 0, isos = 0;
  uint32_t len;

  g_assert_cmphex (t->base % 16, ==, 0);
  g_assert_cmpmem (rsdp, 8, "RSD PTR ", 8);
  g_assert_cmphex (sum (rsdp, 20), ==, 0);
  g_assert_cmphex (sum (rsdp, le (rsdp + 20, 4)), ==, 0);
  g_assert_cmpuint (rsdp[15], ==, 2);

  xsdt = table_at (t, le (rsdp + 24, 8), "XSDT");
  n = (le (xsdt + 4, 4) - 36) / 8;
  g_assert_cmpuint (n, ==, 3);
  for (i = 0; i < n; i++)
    {
      uint64_t addr = le (xsdt + 36 + 8 * i, 8);
      const uint8_t *p = t->blob + (addr - t->base);

      if (memcmp (p, "FACP", 4) == 0)
        fadt = table_at (t, addr, "FACP");
      else if (memcmp (p, "APIC", 4) == 0)
        madt = table_at (t, addr, "APIC");
      else if (memcmp (p, "MCFG", 4) == 0)
        mcfg = table_at (t, addr, "MCFG");
      else
        g_assert_not_reached ();
    }
  g_assert_nonnull (fadt);
  g_assert_nonnull (madt);
  g_assert_nonnull (mcfg);

  /* FADT: the PM blocks, SCI, reset register, DSDT and FACS. */
  g_assert_cmpuint (le (fadt + 4, 4), ==, 276);
  dsdt = table_at (t, le (fadt + 140, 8), "DSDT");
  g_assert_cmpuint (le (fadt + 40, 4), ==, le (fadt + 140, 8));
  facs = t->blob + (le (fadt + 36, 4) - t->base);
  g_assert_cmpmem (facs, 4, "FACS", 4);
  g_assert_cmphex (le (fadt + 36, 4) % 64, ==, 0);
  g_assert_cmpuint (le (fadt + 46, 2), ==, PM_SCI_IRQ);
  g_assert_cmpuint (le (fadt + 48, 4), ==, 0); /* no SMI_CMD */
  g_assert_cmphex (le (fadt + 56, 4), ==, 0x600);
  g_assert_cmphex (le (fadt + 64, 4), ==, 0x604);
  g_assert_cmphex (le (fadt + 76, 4), ==, 0x608);
  g_assert_cmphex (le (fadt + 80, 4), ==, 0x620);
  g_assert_cmpuint (fadt[91], ==, 4);
  g_assert_cmphex (le (fadt + 112, 4) & (1u << 4), ==, 0);      /* power button: fixed */
  g_assert_cmphex (le (fadt + 112, 4) & (1u << 5), !=, 0);      /* no sleep button */
  g_assert_cmphex (le (fadt + 112, 4) & (1u << 10), !=, 0);     /* RESET_REG_SUP */
  g_assert_cmphex (le (fadt + 112, 4) & (1u << 20), ==, 0);     /* not hardware-reduced */
  g_assert_cmpuint (fadt[116], ==, 1);                          /* system I/O */
  g_assert_cmphex (le (fadt + 120, 8), ==, 0xcf9);
  g_assert_cmphex (fadt[128], ==, 0x06);
  g_assert_cmphex (le (fadt + 208 + 4, 8), ==, 0x608);          /* X_PM_TMR_BLK */
  g_assert_cmpuint (fadt[208 + 1], ==, 32);

  /* MADT: n local APICs 0..n-1, the IOAPIC, IRQ0->GSI2 and the SCI override. */
  len = le (madt + 4, 4);
  g_assert_cmphex (le (madt + 36, 4), ==, VM_LAPIC_BASE);
  for (i = 44; i < len; i += madt[i + 1])
    {
      g_assert_cmpuint (madt[i + 1], >=, 2);
      switch (madt[i])
        {
        case 0:
          g_assert_cmpuint (madt[i + 3], ==, cpus);
          g_assert_cmpuint (le (madt + i + 4, 4) & 1, ==, 1);
          cpus++;
          break;
        case 1:
          g_assert_cmphex (le (madt + i + 4, 4), ==, VM_IOAPIC_BASE);
          g_assert_cmpuint (le (madt + i + 8, 4), ==, 0);
          break;
        case 2:
          if (madt[i + 3] == 0)
            g_assert_cmpuint (le (madt + i + 4, 4), ==, 2);
          else
            {
              g_assert_cmpuint (madt[i + 3], ==, PM_SCI_IRQ);
              g_assert_cmpuint (le (madt + i + 4, 4), ==, PM_SCI_IRQ);
              g_assert_cmphex (le (madt + i + 8, 2), ==, 0xd);
            }
          isos++;
          break;
        }
    }
  g_assert_cmpuint (i, ==, len);
  g_assert_cmpuint (cpus, ==, n_vcpus);
  g_assert_cmpuint (isos, ==, 2);

  g_assert_cmphex (le (mcfg + 44, 8), ==, VM_ECAM_BASE);
  g_assert_cmpuint (mcfg[54], ==, 0);
  g_assert_cmpuint (mcfg[55], ==, 255);
  g_assert_cmpuint (dsdt[8], ==, 2); /* 64-bit integers */
}

static void
test_chain (void)
{
  struct acpi_tables t;
  unsigned n;

  for (n = 1; n <= VM_MAX_VCPUS; n = n * 2 + 1)
    {
      g_assert_cmpint (acpi_build_tables (&t, n, ACPI_DIRECT_BOOT_BASE), ==, 0);
      g_assert_cmpuint (t.size, <, 0x20000 - 0x10);
      check_chain (&t, n);
      acpi_tables_free (&t);
    }
}

static void
test_relocate (void)
{
  struct acpi_tables t;
  unsigned i;

  g_assert_cmpint (acpi_build_tables (&t, 2, ACPI_DIRECT_BOOT_BASE), ==, 0);
  g_assert_cmpint (acpi_tables_set_base (&t, 0x7ffe0000), ==, 0);
  check_chain (&t, 2);
  /* Every table the list knows has a good checksum (the FACS has none). */
  for (i = 0; i < t.n_tables; i++)
    g_assert_cmphex (sum (t.blob + t.tables[i].offset, t.tables[i].length), ==, 0);
  g_assert_nonnull (acpi_tables_find (&t, "DSDT"));
  g_assert_null (acpi_tables_find (&t, "HPET"));
  GLogLevelFlags saved_ = test_log_allow_warnings ();
  g_assert_cmpint (acpi_tables_set_base (&t, 0xe0010), ==, -EINVAL);
  g_assert_cmpint (acpi_tables_set_base (&t, 0xffffffc0), ==, -EINVAL);
  test_log_restore (saved_);
  acpi_tables_free (&t);

  saved_ = test_log_allow_warnings ();
  g_assert_cmpint (acpi_build_tables (&t, 0, ACPI_DIRECT_BOOT_BASE), ==, -EINVAL);
  g_assert_cmpint (acpi_build_tables (&t, VM_MAX_VCPUS + 1, ACPI_DIRECT_BOOT_BASE), ==, -EINVAL);
  test_log_restore (saved_);
}

/* A minimal AML reader for the _PRT package: integers and package lengths. */
static uint64_t
aml_int (const uint8_t **pp)
{
  const uint8_t *p = *pp;
  uint64_t v;

  switch (*p)
    {
    case 0x00: *pp = p + 1; return 0;
    case 0x01: *pp = p + 1; return 1;
    case 0x0a: v = le (p + 1, 1); *pp = p + 2; return v;
    case 0x0b: v = le (p + 1, 2); *pp = p + 3; return v;
    case 0x0c: v = le (p + 1, 4); *pp = p + 5; return v;
    case 0x0e: v = le (p + 1, 8); *pp = p + 9; return v;
    default: g_assert_not_reached ();
    }
}

static void
aml_skip_pkglength (const uint8_t **pp)
{
  *pp += 1 + (**pp >> 6);
}

static void
test_prt_matches_routing (void)
{
  struct acpi_tables t;
  const struct acpi_table_info *dsdt;
  const uint8_t *p, *end;
  unsigned i;

  g_assert_cmpint (acpi_build_tables (&t, 1, ACPI_DIRECT_BOOT_BASE), ==, 0);
  dsdt = acpi_tables_find (&t, "DSDT");
  p = t.blob + dsdt->offset + 36;
  end = t.blob + dsdt->offset + dsdt->length;
  /* Name (_PRT, Package (128) { ... }) */
  p = memmem (p, end - p, "\x08_PRT\x12", 6);
  g_assert_nonnull (p);
  p += 6;
  aml_skip_pkglength (&p);
  g_assert_cmpuint (*p++, ==, 128);
  for (i = 0; i < 128; i++)
    {
      unsigned slot = i / 4, pin = i % 4 + 1;

      g_assert_cmphex (*p++, ==, 0x12);
      aml_skip_pkglength (&p);
      g_assert_cmpuint (*p++, ==, 4);
      g_assert_cmphex (aml_int (&p), ==, (uint64_t) slot << 16 | 0xffff);
      g_assert_cmpuint (aml_int (&p), ==, pin - 1);
      g_assert_cmpuint (aml_int (&p), ==, 0);
      g_assert_cmpuint (aml_int (&p), ==, pci_host_intx_gsi (slot, pin));
    }
  g_assert_true (p <= end);
  /* \_S5 says what pm.c acts on. */
  p = memmem (t.blob + dsdt->offset, dsdt->length, "\x08\\_S5_\x12", 7);
  g_assert_nonnull (p);
  p += 7;
  aml_skip_pkglength (&p);
  g_assert_cmpuint (*p++, ==, 4);
  g_assert_cmpuint (aml_int (&p), ==, PM_SLP_TYP_S5);
  acpi_tables_free (&t);
}

/* With iasl installed, its disassembler must accept every table. */
static void
test_iasl (void)
{
  g_autofree char *iasl = g_find_program_in_path ("iasl");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  struct acpi_tables t;
  unsigned i;

  if (!iasl)
    {
      g_test_skip ("iasl not installed");
      return;
    }
  dir = g_dir_make_tmp ("test-acpi-XXXXXX", &error);
  g_assert_no_error (error);
  g_assert_cmpint (acpi_build_tables (&t, 4, ACPI_DIRECT_BOOT_BASE), ==, 0);
  for (i = 0; i < t.n_tables; i++)
    {
      g_autofree char *name = g_strdup_printf ("%s.dat", t.tables[i].signature);
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_autofree char *dsl_name = g_strdup_printf ("%s.dsl", t.tables[i].signature);
      g_autofree char *dsl = g_build_filename (dir, dsl_name, NULL);
      g_autofree char *out = NULL, *err = NULL, *text = NULL;
      const char *argv[] = { iasl, "-d", path, NULL };
      int status;

      g_assert_true (g_file_set_contents (path, (const char *) t.blob + t.tables[i].offset,
                                          t.tables[i].length, &error));
      g_assert_true (g_spawn_sync (dir, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out,
                                   &err, &status, &error));
      g_assert_no_error (error);
      if (!g_spawn_check_wait_status (status, NULL))
        g_error ("iasl -d %s failed:\n%s\n%s", name, out, err);
      g_assert_true (g_file_get_contents (dsl, &text, NULL, &error));
      g_assert_null (strstr (text, "**** Unknown"));
      g_assert_null (strstr (text, "Invalid"));
      if (g_str_equal (t.tables[i].signature, "DSDT"))
        {
          g_assert_nonnull (strstr (text, "\"PNP0A08\""));
          g_assert_nonnull (strstr (text, "\"PNP0501\""));
          g_assert_nonnull (strstr (text, "Name (_PRT, Package (0x80)"));
          g_assert_nonnull (strstr (text, "Name (\\_S5, Package (0x04)"));
          g_assert_nonnull (strstr (text, "0x0000008000000000, // Range Minimum"));
          g_assert_nonnull (strstr (text, "0xFEBFFFFF,         // Range Maximum"));
        }
      g_remove (dsl);
      g_remove (path);
    }
  g_rmdir (dir);
  acpi_tables_free (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/acpi/chain", test_chain);
  g_test_add_func ("/Vmm/acpi/relocate", test_relocate);
  g_test_add_func ("/Vmm/acpi/prt-matches-routing", test_prt_matches_routing);
  g_test_add_func ("/Vmm/acpi/iasl-disassembles", test_iasl);
  return g_test_run ();
}
