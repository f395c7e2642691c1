/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The AHCI controller driven like a guest driver (and a hostile one) over a
 * plain memory buffer, with an ATAPI drive on a temporary image. */
#define G_LOG_DOMAIN "test-ahci"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "storage/ahci.h"
#include "storage/atapi.h"

#define MIB      (1ull << 20)
#define RAM      (32 * MIB)
#define CLB      0x10000ull
#define FB       0x11000ull
#define CTBA     0x20000ull    /* slot n's table at CTBA + n * 0x1000 */
#define DATA     0x100000ull
#define SECTORS  64

/* Register offsets. */
#define CAP 0x00
#define GHC 0x04
#define IS  0x08
#define PI  0x0c
#define VS  0x10
#define P0  0x100
#define PxCLB 0x00
#define PxCLBU 0x04
#define PxFB  0x08
#define PxIS  0x10
#define PxIE  0x14
#define PxCMD 0x18
#define PxTFD 0x20
#define PxSIG 0x24
#define PxSSTS 0x28
#define PxSCTL 0x2c
#define PxSERR 0x30
#define PxCI  0x38

struct fixture {
  struct guest_memory mem;
  char *path;
  struct atapi *drive;
  struct ahci *hba;
  struct pci_device *pci;
};

static uint32_t
rd (struct fixture *f, uint64_t off)
{
  uint32_t v;

  f->pci->bars[AHCI_BAR].ops->read (f->pci->bars[AHCI_BAR].opaque, off, &v, 4);
  return GUINT32_FROM_LE (v);
}

static void
wr (struct fixture *f, uint64_t off, uint32_t v)
{
  v = GUINT32_TO_LE (v);
  f->pci->bars[AHCI_BAR].ops->write (f->pci->bars[AHCI_BAR].opaque, off, &v, 4);
}

static void
put32 (struct fixture *f, uint64_t gpa, uint32_t v)
{
  v = GUINT32_TO_LE (v);
  g_assert_cmpint (guest_memory_write (&f->mem, gpa, &v, 4), ==, 0);
}

static uint8_t *
ram (struct fixture *f, uint64_t gpa, uint64_t len)
{
  uint8_t *p = guest_memory_ptr (&f->mem, gpa, len);

  g_assert_nonnull (p);
  return p;
}

/* What a driver does to bring port 0 up. */
static void
start_port (struct fixture *f)
{
  wr (f, GHC, 0x80000002u);
  wr (f, P0 + PxCLB, CLB);
  wr (f, P0 + PxCLBU, 0);
  wr (f, P0 + PxFB, FB);
  wr (f, P0 + PxIE, 0xffffffffu);
  wr (f, P0 + PxCMD, 0x10);   /* FRE */
  wr (f, P0 + PxCMD, 0x11);   /* ST */
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;
  g_autofree uint8_t *img = g_malloc (SECTORS * ATAPI_SECTOR_SIZE);
  int fd;

  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, RAM, RAM), ==, 0);
  fd = g_file_open_tmp ("ahci-XXXXXX.iso", &f->path, &error);
  g_assert_no_error (error);
  for (unsigned i = 0; i < SECTORS * ATAPI_SECTOR_SIZE; i++)
    img[i] = (uint8_t) (i * 31 + (i >> 11));
  g_assert_cmpint (write (fd, img, SECTORS * ATAPI_SECTOR_SIZE), ==, SECTORS * ATAPI_SECTOR_SIZE);
  close (fd);
  f->drive = atapi_new ("test-cd");
  g_assert_cmpint (atapi_change_medium (f->drive, f->path, false, &why), ==, 0);
  f->hba = ahci_new (&f->mem, 1, NULL, GPOINTER_TO_INT (data));
  g_assert_nonnull (f->hba);
  ahci_attach (f->hba, 0, f->drive);
  f->pci = ahci_get_pci (f->hba);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  ahci_destroy (f->hba);
  atapi_free (f->drive);
  guest_memory_destroy (&f->mem);
  g_unlink (f->path);
  g_free (f->path);
}

/* Builds slot @slot: header, register FIS with @command/@features, the
 * packet @cdb (may be NULL), and @n PRDs of @len bytes each from DATA. */
static void
build (struct fixture *f, unsigned slot, uint8_t command, uint8_t features, const uint8_t *cdb,
       unsigned n, uint32_t len)
{
  uint64_t table = CTBA + slot * 0x1000ull;
  uint8_t *fis = ram (f, table, 0x80);

  memset (ram (f, CLB + slot * 32, 32), 0, 32);
  put32 (f, CLB + slot * 32, (uint32_t) n << 16 | (cdb ? 1u << 5 : 0) | 5);
  put32 (f, CLB + slot * 32 + 8, table);
  memset (fis, 0, 0x80);
  fis[0] = 0x27;
  fis[1] = 0x80;
  fis[2] = command;
  fis[3] = features;
  if (cdb)
    memcpy (fis + 0x40, cdb, 12);
  for (unsigned i = 0; i < n; i++)
    {
      put32 (f, table + 0x80 + i * 16, DATA + (uint64_t) i * len);
      put32 (f, table + 0x80 + i * 16 + 4, 0);
      put32 (f, table + 0x80 + i * 16 + 12, (len - 1) | (i == n - 1 ? 1u << 31 : 0));
    }
}

static uint32_t
prdbc (struct fixture *f, unsigned slot)
{
  return GUINT32_FROM_LE (*(uint32_t *) ram (f, CLB + slot * 32 + 4, 4));
}

/* Issues @bits and waits until they complete or the port stops on an error. */
static void
issue (struct fixture *f, uint32_t bits)
{
  wr (f, P0 + PxCI, bits);
  for (unsigned i = 0; i < 5000 && (rd (f, P0 + PxCI) & bits); i++)
    {
      if (rd (f, P0 + PxIS) & (3u << 29))
        break;
      g_usleep (1000);
    }
}

static void
clear_irqs (struct fixture *f)
{
  wr (f, P0 + PxIS, rd (f, P0 + PxIS));
  wr (f, IS, rd (f, IS));
}

static void
test_registers (struct fixture *f, gconstpointer data)
{
  g_assert_cmphex (pci_config_get16 (f->pci, PCI_VENDOR_ID), ==, 0x8086);
  g_assert_cmphex (pci_config_get16 (f->pci, PCI_DEVICE_ID), ==, 0x2922);
  g_assert_cmphex (pci_config_get32 (f->pci, 0x08) >> 8, ==, 0x010601);
  g_assert_cmphex (f->pci->config[PCI_INTERRUPT_PIN], ==, 1);
  g_assert_cmphex (rd (f, CAP) & 0x1f, ==, 0);            /* one port */
  g_assert_cmphex ((rd (f, CAP) >> 8) & 0x1f, ==, 31);    /* 32 slots */
  g_assert_true (rd (f, CAP) & (1u << 31));                /* 64-bit */
  g_assert_cmphex (rd (f, PI), ==, 1);
  g_assert_cmphex (rd (f, VS), ==, 0x00010301);
  g_assert_true (rd (f, GHC) & 0x80000000u);
  g_assert_cmphex (rd (f, P0 + PxSIG), ==, 0xeb140101);
  g_assert_cmphex (rd (f, P0 + PxSSTS) & 0xf, ==, 3);
  g_assert_cmphex (rd (f, P0 + PxTFD) & 0x88, ==, 0);

  /* Alignment of the list and FIS area; reserved and out-of-range offsets. */
  wr (f, P0 + PxCLB, 0x12345fff);
  g_assert_cmphex (rd (f, P0 + PxCLB), ==, 0x12345c00);
  wr (f, P0 + PxFB, 0x12345fff);
  g_assert_cmphex (rd (f, P0 + PxFB), ==, 0x12345f00);
  wr (f, P0 + 0x80 + PxCI, 1);             /* port 1 does not exist */
  g_assert_cmphex (rd (f, P0 + 0x80 + PxCI), ==, 0);
  wr (f, AHCI_BAR_SIZE - 2, 1);            /* runs off the BAR */
  {
    uint8_t b = 0xff;

    f->pci->bars[AHCI_BAR].ops->write (f->pci->bars[AHCI_BAR].opaque, P0 + PxCI, &b, 1);
    g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  }

  /* CI is ignored while the port is stopped. */
  wr (f, P0 + PxCI, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  start_port (f);
  g_assert_true (rd (f, P0 + PxCMD) & (1u << 15));   /* CR */
  g_assert_true (rd (f, P0 + PxCMD) & (1u << 14));   /* FR */
}

static void
test_identify (struct fixture *f, gconstpointer data)
{
  uint8_t *fis = ram (f, FB, 256), *id = ram (f, DATA, 512);

  start_port (f);
  build (f, 0, ATA_CMD_IDENTIFY_PACKET, 0, NULL, 1, 512);
  issue (f, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  g_assert_cmpuint (prdbc (f, 0), ==, 512);
  g_assert_cmphex (id[1], ==, 0x85);
  g_assert_cmphex (fis[0x20], ==, 0x5f);             /* PIO Setup */
  g_assert_cmphex (fis[0x20 + 15] & 0x89, ==, 0);      /* final status: not busy, no error */
  g_assert_true (rd (f, P0 + PxIS) & 0x2);             /* PSS */
  g_assert_true (rd (f, IS) & 1);
  g_assert_cmpint (f->pci->intx_level, ==, 1);
  clear_irqs (f);
  g_assert_cmphex (rd (f, IS), ==, 0);
  g_assert_cmpint (f->pci->intx_level, ==, 0);

  /* With interrupts off in GHC the line stays low. */
  wr (f, GHC, 0x80000000u);
  issue (f, 1);
  g_assert_cmpint (f->pci->intx_level, ==, 0);
  g_assert_true (rd (f, IS) & 1);
}

static void
test_packet_read (struct fixture *f, gconstpointer data)
{
  static const uint8_t rd10[12] = { 0x28, 0, 0, 0, 0, 2, 0, 0, 4, 0 };
  uint8_t *fis = ram (f, FB, 256), *buf = ram (f, DATA, 4 * ATAPI_SECTOR_SIZE);

  start_port (f);
  /* Four sectors over eight PRDs of 1 KiB, by DMA, in slot 7. */
  build (f, 7, ATA_CMD_PACKET, 0x01, rd10, 8, 1024);
  issue (f, 1u << 7);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  g_assert_cmpuint (prdbc (f, 7), ==, 4 * ATAPI_SECTOR_SIZE);
  for (unsigned i = 0; i < 4 * ATAPI_SECTOR_SIZE; i++)
    {
      unsigned off = 2 * ATAPI_SECTOR_SIZE + i;

      g_assert_cmphex (buf[i], ==, (uint8_t) (off * 31 + (off >> 11)));
    }
  g_assert_cmphex (fis[0x40], ==, 0x34);               /* D2H register FIS */
  g_assert_cmphex (fis[0x42] & 0x01, ==, 0);
  g_assert_cmphex (rd (f, P0 + PxIS) & 0x21, ==, 0x21); /* DHRS and DPS */
  g_assert_cmphex (rd (f, P0 + PxTFD) & 0xff, ==, 0x50);
}

static void
test_packet_error (struct fixture *f, gconstpointer data)
{
  static const uint8_t past[12] = { 0x28, 0, 0, 0, 1, 0, 0, 0, 1, 0 };
  static const uint8_t sense[12] = { 0x03, 0, 0, 0, 18, 0 };
  uint8_t *buf = ram (f, DATA, 64);

  start_port (f);
  build (f, 0, ATA_CMD_PACKET, 0x01, past, 1, 2048);
  issue (f, 1);
  /* The slot stays issued, the port halts with a task file error. */
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 1);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 30));
  g_assert_cmphex (rd (f, P0 + PxTFD) & 0x01, ==, 0x01);
  g_assert_cmphex ((rd (f, P0 + PxTFD) >> 12) & 0xf, ==, 0x5);   /* ILLEGAL REQUEST */
  build (f, 1, ATA_CMD_PACKET, 0x01, sense, 1, 18 + 1);
  wr (f, P0 + PxCI, 2);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 3);           /* not run while halted */

  /* Recovery as the AHCI spec and every driver do it: ST off, clear, on. */
  wr (f, P0 + PxCMD, 0x10);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);
  issue (f, 2);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  g_assert_cmphex (buf[2], ==, 0x05);
  g_assert_cmphex (buf[12], ==, 0x21);
}

static void
test_hostile (struct fixture *f, gconstpointer data)
{
  static const uint8_t rd10[12] = { 0x28, 0, 0, 0, 0, 0, 0, 0, 1, 0 };
  uint8_t *fis;

  start_port (f);

  /* A PRD pointing past the end of RAM. */
  build (f, 0, ATA_CMD_PACKET, 0x01, rd10, 1, 2048);
  put32 (f, CTBA + 0x80, RAM - 1024);
  issue (f, 1);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 29));       /* host bus fatal error */
  wr (f, P0 + PxCMD, 0x10);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);

  /* A PRD high above RAM, through the upper dword. */
  build (f, 0, ATA_CMD_PACKET, 0x01, rd10, 1, 2048);
  put32 (f, CTBA + 0x84, 0xffffffffu);
  issue (f, 1);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 29));
  wr (f, P0 + PxCMD, 0x10);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);

  /* 65535 PRDs of 4 MiB each, the table running off the end of RAM. */
  build (f, 0, ATA_CMD_PACKET, 0x01, rd10, 1, 2048);
  put32 (f, CLB, 0xffffu << 16 | 1u << 5 | 5);
  put32 (f, CLB + 8, RAM - 0x1000);
  memset (ram (f, RAM - 0x1000, 0x1000), 0, 0x1000);
  *ram (f, RAM - 0x1000, 1) = 0x27;
  *ram (f, RAM - 0x1000 + 1, 1) = 0x80;
  *ram (f, RAM - 0x1000 + 2, 1) = ATA_CMD_PACKET;
  for (unsigned i = 0; i < (0x1000 - 0x80) / 16; i++)
    put32 (f, RAM - 0x1000 + 0x80 + i * 16 + 12, 0x3fffff);
  issue (f, 1);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 29));
  wr (f, P0 + PxCMD, 0x10);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);

  /* Command FIS lengths of 0 and 17 dwords, and a FIS that is not H2D. */
  for (unsigned i = 0; i < 3; i++)
    {
      build (f, 3, ATA_CMD_PACKET, 0x01, rd10, 1, 2048);
      if (i < 2)
        put32 (f, CLB + 3 * 32, 1u << 16 | (i == 0 ? 0 : 17));
      else
        *ram (f, CTBA + 3 * 0x1000, 1) = 0x34;
      issue (f, 1u << 3);
      g_assert_true (rd (f, P0 + PxIS) & (1u << 30));
      g_assert_cmphex (rd (f, P0 + PxCI), ==, 1u << 3);
      wr (f, P0 + PxCMD, 0x10);
      clear_irqs (f);
      wr (f, P0 + PxCMD, 0x11);
    }

  /* Command list and FIS area outside RAM; every slot issued at once. */
  wr (f, P0 + PxCMD, 0x10);
  wr (f, P0 + PxCLB, 0xfffffc00u);
  wr (f, P0 + PxCLBU, 0x7fffffffu);
  wr (f, P0 + PxCMD, 0x11);
  issue (f, 0xffffffffu);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 29));
  wr (f, P0 + PxCMD, 0x00);
  clear_irqs (f);
  wr (f, P0 + PxCLB, CLB);
  wr (f, P0 + PxCLBU, 0);
  wr (f, P0 + PxFB, 0xffffff00u);
  wr (f, P0 + PxCMD, 0x11);
  build (f, 0, ATA_CMD_PACKET, 0x01, rd10, 1, 2048);
  issue (f, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);          /* the data still went */

  /* Slots full of zeroes (CFL 0): each fails, nothing else happens. */
  wr (f, P0 + PxCMD, 0x00);
  wr (f, P0 + PxFB, FB);
  memset (ram (f, CLB, 1024), 0, 1024);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);
  issue (f, 0xffffffffu);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 30));

  /* The same buffer used by many PRDs, and a PRD over the command table itself. */
  wr (f, P0 + PxCMD, 0x10);
  clear_irqs (f);
  wr (f, P0 + PxCMD, 0x11);
  build (f, 0, ATA_CMD_PACKET, 0x01, rd10, 4, 512);
  for (unsigned i = 0; i < 4; i++)
    put32 (f, CTBA + 0x80 + i * 16, i == 3 ? CTBA : DATA);
  issue (f, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  g_assert_cmpuint (prdbc (f, 0), ==, 2048);
  fis = ram (f, FB, 256);
  g_assert_cmphex (fis[0x40], ==, 0x34);
}

static void
test_resets (struct fixture *f, gconstpointer data)
{
  uint8_t *fis = ram (f, FB, 256);

  start_port (f);
  /* COMRESET: link down and busy while DET is 1, then a signature. */
  memset (fis, 0, 256);
  wr (f, P0 + PxCMD, 0x10);
  wr (f, P0 + PxSCTL, 0x301);
  g_assert_cmphex (rd (f, P0 + PxSSTS) & 0xf, ==, 0);
  g_assert_true (rd (f, P0 + PxTFD) & 0x80);
  wr (f, P0 + PxSCTL, 0x300);
  g_assert_cmphex (rd (f, P0 + PxSSTS) & 0xf, ==, 3);
  g_assert_cmphex (rd (f, P0 + PxTFD) & 0x88, ==, 0);
  g_assert_cmphex (rd (f, P0 + PxSIG), ==, 0xeb140101);
  g_assert_cmphex (fis[0x40], ==, 0x34);
  g_assert_cmphex (fis[0x46], ==, 0xeb);
  g_assert_cmphex (fis[0x45], ==, 0x14);

  /* Soft reset: SRST set, then cleared, in control FISes. */
  memset (fis, 0, 256);
  wr (f, P0 + PxCMD, 0x11);
  build (f, 0, 0, 0, NULL, 0, 0);
  ram (f, CTBA, 2)[1] = 0;           /* C bit clear: device control */
  ram (f, CTBA, 16)[15] = 0x04;
  issue (f, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  ram (f, CTBA, 16)[15] = 0;
  issue (f, 1);
  g_assert_cmphex (rd (f, P0 + PxCI), ==, 0);
  g_assert_cmphex (fis[0x46], ==, 0xeb);

  /* HBA reset: registers back to their defaults. */
  wr (f, GHC, 0x80000003u);
  g_assert_cmphex (rd (f, GHC), ==, 0x80000000u);
  g_assert_cmphex (rd (f, P0 + PxCMD) & 0x11, ==, 0);
  g_assert_cmphex (rd (f, P0 + PxIE), ==, 0);
  g_assert_cmphex (rd (f, P0 + PxSIG), ==, 0xeb140101);
}

static void
test_empty_port (struct fixture *f, gconstpointer data)
{
  ahci_attach (f->hba, 0, NULL);
  g_assert_cmphex (rd (f, P0 + PxSSTS), ==, 0);
  start_port (f);
  build (f, 0, ATA_CMD_IDENTIFY_PACKET, 0, NULL, 1, 512);
  issue (f, 1);
  g_assert_true (rd (f, P0 + PxIS) & (1u << 30));
}

/* A delivery that counts messages, as the machine's irqfds would carry them. */
struct msi_record {
  unsigned setups, updates, fired;
  uint64_t address;
  uint32_t data;
};

static int
rec_setup (void *opaque, unsigned n)
{
  ((struct msi_record *) opaque)->setups += n;
  return 0;
}

static void
rec_update (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msi_record *r = opaque;

  r->updates++;
  r->address = address;
  r->data = data;
}

static void
rec_fire (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msi_record *r = opaque;

  g_assert_cmphex (address, ==, r->address);
  g_assert_cmphex (data, ==, r->data);
  r->fired++;
}

static const struct msix_delivery_ops rec_ops = {
  .setup = rec_setup, .update = rec_update, .fire = rec_fire,
};

static void
test_msi (struct fixture *f, gconstpointer data)
{
  struct msi_record rec = { 0 };
  struct msix_delivery delivery = { &rec_ops, &rec };
  struct ahci *hba = ahci_new (&f->mem, 1, &delivery, false);
  struct pci_device *dev = ahci_get_pci (hba);
  unsigned cap = dev->config[PCI_CAPABILITY_LIST];
  struct pci_device *saved = f->pci;

  g_assert_cmpuint (rec.setups, ==, 1);
  g_assert_cmphex (dev->config[cap], ==, 0x05);          /* MSI */
  g_assert_true (dev->config[cap + 2] & 0x80);           /* 64-bit */
  ahci_attach (hba, 0, f->drive);
  f->pci = dev;

  /* Without MSI enabled, INTx. */
  start_port (f);
  build (f, 0, ATA_CMD_IDENTIFY_PACKET, 0, NULL, 1, 512);
  issue (f, 1);
  g_assert_cmpint (dev->intx_level, ==, 1);
  g_assert_cmpuint (rec.fired, ==, 0);
  clear_irqs (f);

  /* What the guest's config writes leave behind, then the hook. */
  pci_config_set32 (dev, cap + 4, 0xfee00000);
  pci_config_set32 (dev, cap + 8, 0);
  pci_config_set16 (dev, cap + 12, 0x4041);
  dev->config[cap + 2] |= 1;
  dev->ops->config_written (dev, cap + 2, 2);
  g_assert_cmpuint (rec.updates, ==, 1);
  g_assert_cmphex (rec.address, ==, 0xfee00000);
  issue (f, 1);
  g_assert_cmpuint (rec.fired, ==, 1);
  g_assert_cmpint (dev->intx_level, ==, 0);
  /* Each completion is a message, even before the guest acknowledged the last. */
  issue (f, 1);
  g_assert_cmpuint (rec.fired, ==, 2);

  f->pci = saved;
  ahci_destroy (hba);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, threaded) \
  g_test_add (path, struct fixture, GINT_TO_POINTER (threaded), fixture_setup, fn, \
              fixture_teardown)
  ADD ("/Vmm/ahci/registers", test_registers, 0);
  ADD ("/Vmm/ahci/identify", test_identify, 0);
  ADD ("/Vmm/ahci/packet-read", test_packet_read, 0);
  ADD ("/Vmm/ahci/packet-read-threaded", test_packet_read, 1);
  ADD ("/Vmm/ahci/packet-error", test_packet_error, 0);
  ADD ("/Vmm/ahci/packet-error-threaded", test_packet_error, 1);
  ADD ("/Vmm/ahci/hostile", test_hostile, 0);
  ADD ("/Vmm/ahci/hostile-threaded", test_hostile, 1);
  ADD ("/Vmm/ahci/resets", test_resets, 0);
  ADD ("/Vmm/ahci/empty-port", test_empty_port, 0);
  ADD ("/Vmm/ahci/msi", test_msi, 0);
  return g_test_run ();
}
