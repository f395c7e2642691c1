/* SPDX-License-Identifier: GPL-3.0-or-later */
/* fw_cfg played the way SeaBIOS and OVMF drive it, plus what a hostile guest
 * could try; and the ACPI table loader run the way firmware runs it. */
#define G_LOG_DOMAIN "test-fw-cfg"

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "firmware/bootorder.h"
#include "firmware/fw-cfg-acpi.h"
#include "firmware/fw-cfg.h"
#include "platform/acpi.h"
#include "../platform/test-log.h"

#define MIB (1024 * 1024)
#define DESC_ADDR 0x1000
#define BUF_ADDR  0x2000

struct fixture {
  struct guest_memory mem;
  struct bus pio;
  struct fw_cfg cfg;
};

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  g_assert_cmpint (guest_memory_init (&f->mem, 16 * MIB, 16 * MIB), ==, 0);
  bus_init (&f->pio, "pio");
  g_assert_cmpint (fw_cfg_init (&f->cfg, &f->mem, &f->pio), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  fw_cfg_destroy (&f->cfg);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
  guest_memory_destroy (&f->mem);
}

static void
select_key (struct fixture *f, uint16_t key)
{
  uint8_t b[2] = { key, key >> 8 };

  bus_write (&f->pio, FW_CFG_PORT_SEL, b, 2);
}

static void
read_data (struct fixture *f, void *buf, size_t len)
{
  for (size_t i = 0; i < len; i++)
    bus_read (&f->pio, FW_CFG_PORT_DATA, (uint8_t *) buf + i, 1);
}

static uint32_t
be32 (const uint8_t *p)
{
  return (uint32_t) p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/* Writes a descriptor and starts it as SeaBIOS does (be32 to the low half);
 * returns the control word the device left. */
static uint32_t
dma (struct fixture *f, uint64_t desc_addr, uint32_t control, uint32_t length, uint64_t addr)
{
  uint8_t d[16];
  uint8_t hi[4] = { desc_addr >> 56, desc_addr >> 48, desc_addr >> 40, desc_addr >> 32 };
  uint8_t lo[4] = { desc_addr >> 24, desc_addr >> 16, desc_addr >> 8, desc_addr };

  for (unsigned i = 0; i < 4; i++)
    {
      d[i] = control >> (24 - 8 * i);
      d[4 + i] = length >> (24 - 8 * i);
    }
  for (unsigned i = 0; i < 8; i++)
    d[8 + i] = addr >> (56 - 8 * i);
  if (guest_memory_write (&f->mem, desc_addr, d, sizeof d) < 0)
    g_assert_true (desc_addr >= 16 * MIB);
  bus_write (&f->pio, FW_CFG_PORT_DMA, hi, 4);
  bus_write (&f->pio, FW_CFG_PORT_DMA + 4, lo, 4);
  if (guest_memory_read (&f->mem, desc_addr, d, 4) < 0)
    return 0xdeadbeef;
  return be32 (d);
}

/* The directory entry for @name: its key and size. */
static gboolean
find_file (struct fixture *f, const char *name, uint16_t *key, uint32_t *size)
{
  uint8_t count[4], e[64];

  select_key (f, FW_CFG_FILE_DIR);
  read_data (f, count, 4);
  for (uint32_t i = 0; i < be32 (count); i++)
    {
      read_data (f, e, sizeof e);
      if (strncmp ((char *) e + 8, name, 56) == 0)
        {
          *key = e[4] << 8 | e[5];
          *size = be32 (e);
          return TRUE;
        }
    }
  return FALSE;
}

static void
test_detect (struct fixture *f, gconstpointer data)
{
  uint8_t sig[4], id[4], dma_sig[8];

  select_key (f, FW_CFG_SIGNATURE);
  read_data (f, sig, 4);
  g_assert_cmpmem (sig, 4, "QEMU", 4);
  select_key (f, FW_CFG_ID);
  read_data (f, id, 4);
  g_assert_cmpuint (id[0], ==, FW_CFG_ID_TRADITIONAL | FW_CFG_ID_DMA);
  /* The DMA register reads "QEMU CFG" in address order, 4 bytes at a time. */
  bus_read (&f->pio, FW_CFG_PORT_DMA, dma_sig, 4);
  bus_read (&f->pio, FW_CFG_PORT_DMA + 4, dma_sig + 4, 4);
  g_assert_cmpmem (dma_sig, 8, "QEMU CFG", 8);
  /* Past an item's end: zeros. */
  select_key (f, FW_CFG_SIGNATURE);
  read_data (f, sig, 4);
  read_data (f, sig, 4);
  g_assert_cmpmem (sig, 4, "\0\0\0\0", 4);
}

static void
test_legacy_items (struct fixture *f, gconstpointer data)
{
  uint8_t v[8];

  g_assert_cmpint (fw_cfg_add_u16 (&f->cfg, FW_CFG_NB_CPUS, 3), ==, 0);
  g_assert_cmpint (fw_cfg_add_u64 (&f->cfg, FW_CFG_RAM_SIZE, 0x123456789ull), ==, 0);
  select_key (f, FW_CFG_NB_CPUS);
  read_data (f, v, 2);
  g_assert_cmpuint (v[0] | v[1] << 8, ==, 3);
  select_key (f, FW_CFG_RAM_SIZE);
  read_data (f, v, 8);
  g_assert_cmpuint (v[0], ==, 0x89);
  g_assert_cmpuint (v[4], ==, 0x01);
  /* The write-channel bit is ignored in keys. */
  select_key (f, FW_CFG_NB_CPUS | FW_CFG_WRITE_CHANNEL);
  read_data (f, v, 2);
  g_assert_cmpuint (v[0], ==, 3);
  /* Files cannot be set as legacy items, nor the directory. */
  g_assert_cmpint (fw_cfg_add_u16 (&f->cfg, FW_CFG_FILE_FIRST, 1), <, 0);
  g_assert_cmpint (fw_cfg_add_u16 (&f->cfg, FW_CFG_FILE_DIR, 1), <, 0);
}

static void
test_files_dma (struct fixture *f, gconstpointer data)
{
  static const char hello[] = "hello, firmware";
  uint8_t buf[64];
  uint16_t key;
  uint32_t size;

  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "etc/one", "1", 1, false), ==, 0);
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "etc/hello", hello, sizeof hello, false), ==, 0);
  /* Replacing keeps the key and the count. */
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "etc/one", "22", 2, false), ==, 0);
  g_assert_true (find_file (f, "etc/hello", &key, &size));
  g_assert_cmpuint (key, ==, FW_CFG_FILE_FIRST + 1);
  g_assert_cmpuint (size, ==, sizeof hello);
  g_assert_true (find_file (f, "etc/one", &key, &size));
  g_assert_cmpuint (size, ==, 2);
  g_assert_false (find_file (f, "etc/none", &key, &size));

  g_assert_true (find_file (f, "etc/hello", &key, &size));
  /* SELECT + READ of 7 bytes, then SKIP 2, then READ the rest plus 4 bytes
   * past the end, which come back as zeros. */
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 7,
                         BUF_ADDR), ==, 0);
  g_assert_cmpint (guest_memory_read (&f->mem, BUF_ADDR, buf, 7), ==, 0);
  g_assert_cmpmem (buf, 7, "hello, ", 7);
  g_assert_cmpuint (dma (f, DESC_ADDR, FW_CFG_DMA_SKIP, 2, 0), ==, 0);
  memset (buf, 0xaa, sizeof buf);
  g_assert_cmpint (guest_memory_write (&f->mem, BUF_ADDR, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (dma (f, DESC_ADDR, FW_CFG_DMA_READ, sizeof hello - 9 + 4, BUF_ADDR), ==, 0);
  g_assert_cmpint (guest_memory_read (&f->mem, BUF_ADDR, buf, sizeof hello - 9 + 5), ==, 0);
  g_assert_cmpmem (buf, sizeof hello - 9, "rmware", sizeof hello - 9);
  g_assert_cmpmem (buf + sizeof hello - 9, 4, "\0\0\0\0", 4);
  g_assert_cmpuint (buf[sizeof hello - 9 + 4], ==, 0xaa);

  g_autofree char *requested = fw_cfg_dup_requested (&f->cfg);
  g_assert_cmpstr (requested, ==, "etc/hello");
}

static void
test_hostile (struct fixture *f, gconstpointer data)
{
  static const uint8_t ro[4] = { 1, 2, 3, 4 };
  uint8_t buf[8] = { 9, 9, 9, 9, 9, 9, 9, 9 };
  uint16_t key;
  uint32_t size;

  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "etc/ro", ro, sizeof ro, false), ==, 0);
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "etc/rw", ro, sizeof ro, true), ==, 0);
  g_assert_true (find_file (f, "etc/ro", &key, &size));

  /* Buffers outside RAM, straddling its end, or absurdly long. */
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 4,
                         0xfffffffffffff000ull), ==, FW_CFG_DMA_ERROR);
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 4,
                         16 * MIB - 2), ==, FW_CFG_DMA_ERROR);
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ,
                         0xffffffff, BUF_ADDR), ==, FW_CFG_DMA_ERROR);
  /* A descriptor outside RAM: nothing to report into, nothing breaks. */
  dma (f, 16 * MIB + 0x1000, FW_CFG_DMA_READ, 4, BUF_ADDR);
  dma (f, 0xfffffffffffffff8ull, FW_CFG_DMA_READ, 4, BUF_ADDR);

  /* Writes to a read-only item fail and change nothing. */
  g_assert_cmpint (guest_memory_write (&f->mem, BUF_ADDR, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE, 4,
                         BUF_ADDR), ==, FW_CFG_DMA_ERROR);
  size_t len;
  const uint8_t *now = fw_cfg_get_file (&f->cfg, "etc/ro", &len);
  g_assert_cmpmem (now, len, ro, sizeof ro);

  /* Writes to a writable item: in place, never past its end. */
  g_assert_true (find_file (f, "etc/rw", &key, &size));
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE, 8,
                         BUF_ADDR), ==, FW_CFG_DMA_ERROR);
  g_assert_cmpuint (dma (f, DESC_ADDR, (uint32_t) key << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE, 3,
                         BUF_ADDR), ==, 0);
  now = fw_cfg_get_file (&f->cfg, "etc/rw", &len);
  g_assert_cmpmem (now, len, ((uint8_t[]) { 9, 9, 9, 4 }), 4);

  /* Keys that do not exist: reads give zeros, writes fail, nothing crashes. */
  for (unsigned k = 0; k <= 0xffff; k += 0x1ff)
    {
      select_key (f, k);
      read_data (f, buf, 1);
    }
  memset (buf, 0x55, sizeof buf);
  g_assert_cmpint (guest_memory_write (&f->mem, BUF_ADDR, buf, sizeof buf), ==, 0);
  g_assert_cmpuint (dma (f, DESC_ADDR, 0x7fffu << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_READ, 8,
                         BUF_ADDR), ==, 0);
  g_assert_cmpint (guest_memory_read (&f->mem, BUF_ADDR, buf, sizeof buf), ==, 0);
  g_assert_cmpmem (buf, 8, "\0\0\0\0\0\0\0\0", 8);
  g_assert_cmpuint (dma (f, DESC_ADDR, 0xffffu << 16 | FW_CFG_DMA_SELECT | FW_CFG_DMA_WRITE, 8,
                         BUF_ADDR), ==, FW_CFG_DMA_ERROR);
  /* Odd port accesses are ignored. */
  bus_write (&f->pio, FW_CFG_PORT_SEL, buf, 1);
  bus_write (&f->pio, FW_CFG_PORT_DATA, buf, 1);
  bus_write (&f->pio, FW_CFG_PORT_DMA + 2, buf, 4);

  /* Names: empty, too long, and a full directory. */
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "", ro, 1, false), <, 0);
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "01234567890123456789012345678901234567890123456789012345",
                                    ro, 1, false), <, 0);
  for (unsigned i = 2; i < FW_CFG_MAX_FILES; i++)
    {
      g_autofree char *name = g_strdup_printf ("f%u", i);

      g_assert_cmpint (fw_cfg_add_file (&f->cfg, name, ro, 1, false), ==, 0);
    }
  g_assert_cmpint (fw_cfg_add_file (&f->cfg, "one-too-many", ro, 1, false), ==, -ENOSPC);
}

/* Runs etc/table-loader the way SeaBIOS does, with the RSDP placed at
 * @rsdp_at and the tables at @tables_at in @mem. */
static void
run_loader (struct fw_cfg *c, uint8_t *mem, uint32_t rsdp_at, uint32_t tables_at)
{
  size_t loader_len, len;
  const uint8_t *loader = fw_cfg_get_file (c, FW_CFG_TABLE_LOADER, &loader_len);
  const uint8_t *p;

  g_assert_nonnull (loader);
  g_assert_cmpuint (loader_len % FW_CFG_LOADER_ENTRY_SIZE, ==, 0);
  for (size_t off = 0; off < loader_len; off += FW_CFG_LOADER_ENTRY_SIZE)
    {
      const uint8_t *e = loader + off;
      uint32_t cmd = e[0] | e[1] << 8 | e[2] << 16 | (uint32_t) e[3] << 24;
      const char *file = (const char *) e + 4;
      uint32_t base_of_file = g_str_equal (file, FW_CFG_ACPI_RSDP) ? rsdp_at : tables_at;

      switch (cmd)
        {
        case FW_CFG_LOADER_ALLOCATE:
          p = fw_cfg_get_file (c, file, &len);
          g_assert_nonnull (p);
          g_assert_cmpuint (e[4 + 60], ==, g_str_equal (file, FW_CFG_ACPI_RSDP)
                                           ? FW_CFG_LOADER_ZONE_FSEG : FW_CFG_LOADER_ZONE_HIGH);
          memcpy (mem + base_of_file, p, len);
          break;
        case FW_CFG_LOADER_ADD_POINTER:
          {
            const char *src = (const char *) e + 4 + 56;
            uint32_t offset = e[4 + 112] | e[4 + 113] << 8 | e[4 + 114] << 16;
            unsigned size = e[4 + 116];
            uint64_t v = 0;
            uint32_t src_at = g_str_equal (src, FW_CFG_ACPI_RSDP) ? rsdp_at : tables_at;

            g_assert_true (size == 4 || size == 8);
            memcpy (&v, mem + base_of_file + offset, size);
            v += src_at;
            memcpy (mem + base_of_file + offset, &v, size);
            break;
          }
        case FW_CFG_LOADER_ADD_CHECKSUM:
          {
            uint32_t offset = e[4 + 56] | e[4 + 57] << 8 | e[4 + 58] << 16;
            uint32_t start = e[4 + 60] | e[4 + 61] << 8 | e[4 + 62] << 16;
            uint32_t length = e[4 + 64] | e[4 + 65] << 8 | e[4 + 66] << 16;
            uint8_t sum = 0;

            for (uint32_t i = 0; i < length; i++)
              sum += mem[base_of_file + start + i];
            mem[base_of_file + offset] -= sum;
            break;
          }
        default:
          g_assert_not_reached ();
        }
    }
}

static uint8_t
sum (const uint8_t *p, size_t n)
{
  uint8_t s = 0;

  while (n--)
    s += *p++;
  return s;
}

static uint32_t
le32 (const uint8_t *p)
{
  return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t) p[3] << 24;
}

static void
test_table_loader (struct fixture *f, gconstpointer data)
{
  struct acpi_tables t;
  g_autofree uint8_t *mem = g_malloc0 (2 * MIB);
  const uint32_t rsdp_at = 0xf5a40, tables_at = 0x1ff000 - 0x10000;
  uint8_t *rsdp = mem + rsdp_at;
  const uint8_t *xsdt, *fadt;
  uint32_t xsdt_len;
  const char *seen[8];
  unsigned n_seen = 0;

  g_assert_cmpint (acpi_build_tables (&t, 2, 0), ==, 0);
  g_assert_cmpint (fw_cfg_add_acpi (&f->cfg, &t), ==, 0);
  run_loader (&f->cfg, mem, rsdp_at, tables_at);

  g_assert_cmpmem (rsdp, 8, "RSD PTR ", 8);
  g_assert_cmpuint (sum (rsdp, 20), ==, 0);
  g_assert_cmpuint (sum (rsdp, 36), ==, 0);
  xsdt = mem + (uint32_t) (le32 (rsdp + 24));
  g_assert_cmpuint (le32 (rsdp + 28), ==, 0);
  g_assert_cmpmem (xsdt, 4, "XSDT", 4);
  xsdt_len = le32 (xsdt + 4);
  g_assert_cmpuint (sum (xsdt, xsdt_len), ==, 0);
  fadt = NULL;
  for (uint32_t off = 36; off < xsdt_len; off += 8)
    {
      const uint8_t *tbl = mem + le32 (xsdt + off);

      g_assert_cmpuint (le32 (xsdt + off), >=, tables_at);
      g_assert_cmpuint (sum (tbl, le32 (tbl + 4)), ==, 0);
      seen[n_seen++] = g_strndup ((const char *) tbl, 4);
      if (memcmp (tbl, "FACP", 4) == 0)
        fadt = tbl;
    }
  g_assert_cmpuint (n_seen, ==, 3);
  g_assert_cmpstr (seen[0], ==, "FACP");
  g_assert_cmpstr (seen[1], ==, "APIC");
  g_assert_cmpstr (seen[2], ==, "MCFG");
  for (unsigned i = 0; i < n_seen; i++)
    g_free ((char *) seen[i]);
  g_assert_nonnull (fadt);
  g_assert_cmpmem (mem + le32 (fadt + 36), 4, "FACS", 4);
  g_assert_cmpmem (mem + le32 (fadt + 40), 4, "DSDT", 4);
  g_assert_cmpuint (le32 (fadt + 140), ==, le32 (fadt + 40));
  g_assert_cmpuint (sum (mem + le32 (fadt + 40), le32 (mem + le32 (fadt + 40) + 4)), ==, 0);
  /* The tables file carries no second RSDP for a scan to find. */
  g_assert_cmpmem (mem + tables_at, 8, "\0\0\0\0\0\0\0\0", 8);

  /* Same tables as a direct boot gets: only the pointers differ. */
  {
    struct acpi_tables direct;
    const struct acpi_table_info *madt;

    g_assert_cmpint (acpi_build_tables (&direct, 2, ACPI_DIRECT_BOOT_BASE), ==, 0);
    madt = acpi_tables_find (&direct, "APIC");
    g_assert_cmpmem (direct.blob + madt->offset, madt->length, mem + tables_at + madt->offset,
                     madt->length);
    acpi_tables_free (&direct);
  }
  acpi_tables_free (&t);

  /* Tables built for another base are refused. */
  g_assert_cmpint (acpi_build_tables (&t, 1, ACPI_DIRECT_BOOT_BASE), ==, 0);
  g_assert_cmpint (fw_cfg_add_acpi (&f->cfg, &t), <, 0);
  acpi_tables_free (&t);
}

static void
test_bootorder (void)
{
  static const enum machine_boot_device order[] = { MACHINE_BOOT_CDROM, MACHINE_BOOT_DISK,
                                                    MACHINE_BOOT_NET };
  struct bootorder_devices devs = { .cdrom = true, .n_disks = 2, .disk_slot = { 1, 0x1a },
                                    .net = true, .net_slot = 9 };
  size_t len;
  g_autofree char *s = bootorder_build (order, G_N_ELEMENTS (order), &devs, &len);
  g_autofree char *none = NULL;

  g_assert_cmpstr (s, ==, "/pci@i0cf8/pci8086,2922@1f,2/drive@0/disk@0\n"
                          "/pci@i0cf8/scsi@1/disk@0,0\n"
                          "/pci@i0cf8/scsi@1a/disk@0,0\n"
                          "/pci@i0cf8/ethernet@9\n"
                          "HALT");
  g_assert_cmpuint (len, ==, strlen (s) + 1);
  /* Devices the machine lacks drop out. */
  devs = (struct bootorder_devices) { 0 };
  none = bootorder_build (order, G_N_ELEMENTS (order), &devs, &len);
  g_assert_cmpstr (none, ==, "HALT");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* Refused items and names are logged as warnings: checked by result. */
  test_log_allow_warnings ();
#define ADD(path, fn) g_test_add (path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/Vmm/fw-cfg/detect", test_detect);
  ADD ("/Vmm/fw-cfg/legacy-items", test_legacy_items);
  ADD ("/Vmm/fw-cfg/files-dma", test_files_dma);
  ADD ("/Vmm/fw-cfg/hostile", test_hostile);
  ADD ("/Vmm/fw-cfg/table-loader", test_table_loader);
#undef ADD
  g_test_add_func ("/Vmm/fw-cfg/bootorder", test_bootorder);
  return g_test_run ();
}
