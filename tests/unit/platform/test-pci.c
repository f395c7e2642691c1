/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pci"

#include "config.h"

#include "test-log.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "irq-recorder.h"
#include "pci/pci.h"
#include "platform/pci-host.h"
#include "platform/pm.h"
#include "vm.h"

struct fixture {
  struct bus pio, mmio;
  struct pci_bus pci;
  struct pci_host host;
  struct pm pm;
  bool with_pm;
  struct irq_recorder irqs;
  struct pci_device dev;
  /* What the device's BAR handlers saw. */
  unsigned bar_reads;
  uint64_t last_offset;
  unsigned mapped_calls;
  uint64_t mapped_addr[PCI_NUM_BARS];
  bool mapped[PCI_NUM_BARS];
};

static void
bar_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct fixture *f = opaque;

  f->bar_reads++;
  f->last_offset = offset;
  memset (data, 0xab, size);
}

static void
bar_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
}

static const struct bus_ops bar_ops = { bar_read, bar_write };

static void
dev_bar_mapped (struct pci_device *dev, unsigned bar, uint64_t addr, bool mapped)
{
  struct fixture *f = dev->opaque;

  f->mapped_calls++;
  f->mapped_addr[bar] = addr;
  f->mapped[bar] = mapped;
}

static const struct pci_device_ops dev_ops = { .bar_mapped = dev_bar_mapped };

#define SLOT 3

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  struct irq_line out = irq_recorder_line (&f->irqs, 0);

  memset (f, 0, sizeof *f);
  bus_init (&f->pio, "pio");
  bus_init (&f->mmio, "mmio");
  g_assert_cmpint (pci_bus_init (&f->pci, &f->pio, &f->mmio, VM_ECAM_BASE, VM_ECAM_SIZE), ==, 0);
  f->with_pm = data != NULL;
  if (f->with_pm)
    g_assert_cmpint (pm_init (&f->pm, &f->pio, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (pci_host_init (&f->host, &f->pci, &out, f->with_pm ? &f->pm : NULL), ==, 0);

  f->dev.ops = &dev_ops;
  f->dev.opaque = f;
  pci_device_init (&f->dev, "testdev", 0x1af4, 0x1041, 0x020000, 1, 0x1af4, 0x1100);
  pci_device_set_bar (&f->dev, 0, 32, PCI_BAR_IO, &bar_ops, f);
  pci_device_set_bar (&f->dev, 1, 4096, 0, &bar_ops, f);
  pci_device_set_bar (&f->dev, 2, 16384, PCI_BAR_MEM64, &bar_ops, f);
  pci_device_set_bar (&f->dev, 4, 1 << 20, PCI_BAR_MEM64 | PCI_BAR_PREFETCH, &bar_ops, f);
  pci_device_set_interrupt_pin (&f->dev, 1);
  g_assert_cmpint (pci_bus_add_device (&f->pci, &f->dev, SLOT, 0), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  pci_bus_destroy (&f->pci);
  pci_host_destroy (&f->host);
  if (f->with_pm)
    pm_destroy (&f->pm);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  g_assert_cmpuint (f->mmio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
  bus_destroy (&f->mmio);
}

static uint32_t
cf8_read (struct fixture *f, unsigned devfn, unsigned reg, unsigned size)
{
  uint32_t addr = 0x80000000u | devfn << 8 | (reg & 0xfc), v = 0;

  bus_write (&f->pio, 0xcf8, &addr, 4);
  bus_read (&f->pio, 0xcfc + (reg & 3), &v, size);
  return v;
}

static void
cf8_write (struct fixture *f, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
  uint32_t addr = 0x80000000u | devfn << 8 | (reg & 0xfc);

  bus_write (&f->pio, 0xcf8, &addr, 4);
  bus_write (&f->pio, 0xcfc + (reg & 3), &v, size);
}

static uint32_t
ecam_read (struct fixture *f, unsigned bus, unsigned devfn, unsigned reg, unsigned size)
{
  uint32_t v = 0;

  bus_read (&f->mmio, VM_ECAM_BASE + ((uint64_t) bus << 20) + (devfn << 12) + reg, &v, size);
  return v;
}

static void
ecam_write (struct fixture *f, unsigned devfn, unsigned reg, unsigned size, uint32_t v)
{
  bus_write (&f->mmio, VM_ECAM_BASE + (devfn << 12) + reg, &v, size);
}

static void
test_mechanisms_agree (struct fixture *f, gconstpointer data)
{
  unsigned devfn = PCI_DEVFN (SLOT, 0), reg;
  uint32_t latch;

  g_assert_cmphex (cf8_read (f, devfn, 0, 4), ==, 0x10411af4);
  for (reg = 0; reg < 0x40; reg += 4)
    g_assert_cmphex (cf8_read (f, devfn, reg, 4), ==, ecam_read (f, 0, devfn, reg, 4));
  /* Word and byte accesses at offsets within the data port. */
  g_assert_cmphex (cf8_read (f, devfn, 2, 2), ==, 0x1041);
  g_assert_cmphex (cf8_read (f, devfn, 0x0b, 1), ==, 0x02);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x0a, 2), ==, 0x0200);
  /* The latch reads back; byte access to 0xCF8 does not change it. */
  bus_read (&f->pio, 0xcf8, &latch, 4);
  g_assert_cmphex (latch, ==, 0x80000000u | devfn << 8 | 0x08);
  /* Writes through one are seen through the other. */
  cf8_write (f, devfn, PCI_INTERRUPT_LINE, 1, 0x42);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_INTERRUPT_LINE, 1), ==, 0x42);
  ecam_write (f, devfn, 0x0c, 1, 0x10);
  g_assert_cmphex (cf8_read (f, devfn, 0x0c, 1), ==, 0x10);
  /* Read-only registers stay. */
  cf8_write (f, devfn, PCI_VENDOR_ID, 4, 0);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0, 4), ==, 0x10411af4);
  /* The chipset. */
  g_assert_cmphex (ecam_read (f, 0, 0, 0, 4), ==, 0x29c08086);
  g_assert_cmphex (ecam_read (f, 0, 0, 0x60, 4), ==, 0xb0000001);
  g_assert_cmphex (cf8_read (f, PCI_DEVFN (0x1f, 0), 0, 4), ==, 0x29188086);
  g_assert_cmphex (cf8_read (f, PCI_DEVFN (0x1f, 0), 0x08, 4) >> 8, ==, 0x060100);
  g_assert_cmphex (cf8_read (f, PCI_DEVFN (0x1f, 0), 0x40, 4), ==, 0x601);
}

static void
test_absent (struct fixture *f, gconstpointer data)
{
  uint32_t addr = PCI_DEVFN (SLOT, 0) << 8, v;

  g_assert_cmphex (cf8_read (f, PCI_DEVFN (7, 0), 0, 4), ==, 0xffffffff);
  g_assert_cmphex (cf8_read (f, PCI_DEVFN (7, 0), 2, 2), ==, 0xffff);
  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 1), 0, 4), ==, 0xffffffff);
  g_assert_cmphex (ecam_read (f, 1, PCI_DEVFN (SLOT, 0), 0, 4), ==, 0xffffffff);
  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 0), 0xffc, 4), ==, 0);
  /* Enable bit clear: no config cycle. */
  bus_write (&f->pio, 0xcf8, &addr, 4);
  v = 0;
  bus_read (&f->pio, 0xcfc, &v, 4);
  g_assert_cmphex (v, ==, 0xffffffff);
}

static void
test_bar_sizing (struct fixture *f, gconstpointer data)
{
  unsigned devfn = PCI_DEVFN (SLOT, 0);
  unsigned i;

  g_assert_cmphex (ecam_read (f, 0, devfn, 0x10, 4), ==, 0x1);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x14, 4), ==, 0x0);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x18, 4), ==, 0x4);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x20, 4), ==, 0xc);
  for (i = 0; i < 6; i++)
    ecam_write (f, devfn, 0x10 + 4 * i, 4, 0xffffffff);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x10, 4), ==, 0xffffffe1); /* 32 bytes of I/O */
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x14, 4), ==, 0xfffff000); /* 4 KiB */
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x18, 4), ==, 0xffffc004); /* 16 KiB, 64-bit */
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x1c, 4), ==, 0xffffffff);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x20, 4), ==, 0xfff0000c); /* 1 MiB prefetchable */
  g_assert_cmphex (ecam_read (f, 0, devfn, 0x24, 4), ==, 0xffffffff);
  /* Decoding is off, so nothing got mapped meanwhile. */
  g_assert_cmpuint (f->mapped_calls, ==, 0);
  /* The chipset has no BARs. */
  ecam_write (f, 0, 0x10, 4, 0xffffffff);
  g_assert_cmphex (ecam_read (f, 0, 0, 0x10, 4), ==, 0);
}

static void
test_bar_mapping (struct fixture *f, gconstpointer data)
{
  unsigned devfn = PCI_DEVFN (SLOT, 0);
  uint32_t v;

  ecam_write (f, devfn, 0x14, 4, 0xc0001000);
  ecam_write (f, devfn, 0x10, 4, 0xc100);
  ecam_write (f, devfn, 0x18, 4, 0x00000000);
  ecam_write (f, devfn, 0x1c, 4, 0x81);      /* 0x81_0000_0000 */
  g_assert_false (bus_read (&f->mmio, 0xc0001000, &v, 4));
  ecam_write (f, devfn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
  g_assert_true (bus_read (&f->mmio, 0xc0001004, &v, 4));
  g_assert_cmphex (v, ==, 0xabababab);
  g_assert_cmpuint (f->last_offset, ==, 4);
  g_assert_true (f->mapped[1]);
  g_assert_cmphex (f->mapped_addr[1], ==, 0xc0001000);
  g_assert_true (bus_read (&f->mmio, 0x8100000010ull, &v, 4));
  g_assert_cmpuint (f->last_offset, ==, 0x10);
  g_assert_true (f->mapped[2]);
  /* I/O decode still off. */
  g_assert_false (bus_read (&f->pio, 0xc100, &v, 1));
  ecam_write (f, devfn, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_IO);
  g_assert_true (bus_read (&f->pio, 0xc104, &v, 1));
  g_assert_cmpuint (f->last_offset, ==, 4);

  /* Moving a BAR moves the range. */
  ecam_write (f, devfn, 0x14, 4, 0xc0008000);
  g_assert_false (bus_read (&f->mmio, 0xc0001000, &v, 4));
  g_assert_true (bus_read (&f->mmio, 0xc0008ffc, &v, 4));
  g_assert_cmpuint (f->last_offset, ==, 0xffc);
  g_assert_cmphex (f->mapped_addr[1], ==, 0xc0008000);

  /* A BAR over the ECAM window is refused, the VMM goes on. */
  ecam_write (f, devfn, 0x14, 4, (uint32_t) VM_ECAM_BASE);
  g_assert_false (f->mapped[1]);
  g_assert_cmphex (ecam_read (f, 0, devfn, 0, 4), ==, 0x10411af4);

  /* Turning decode off unmaps everything. */
  ecam_write (f, devfn, PCI_COMMAND, 2, 0);
  g_assert_false (bus_read (&f->mmio, 0x8100000010ull, &v, 4));
  g_assert_false (bus_read (&f->pio, 0xc100, &v, 1));
  g_assert_false (f->mapped[2]);
  g_assert_false (f->mapped[0]);
}

static void
test_status_w1c (struct fixture *f, gconstpointer data)
{
  unsigned devfn = PCI_DEVFN (SLOT, 0);

  f->dev.config[PCI_STATUS + 1] |= 0x80 | 0x20; /* parity error, master abort */
  pci_device_add_capability (&f->dev, PCI_CAP_ID_VNDR, 8);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2), ==, 0xa010);
  ecam_write (f, devfn, PCI_STATUS, 2, 0x0000);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2), ==, 0xa010);
  ecam_write (f, devfn, PCI_STATUS, 2, 0x8010);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2), ==, 0x2010);
  ecam_write (f, devfn, PCI_STATUS, 2, 0xffff);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2), ==, 0x0010);
}

static void
test_capabilities (struct fixture *f, gconstpointer data)
{
  unsigned a = pci_device_add_capability (&f->dev, PCI_CAP_ID_MSIX, 12);
  unsigned b = pci_device_add_capability (&f->dev, PCI_CAP_ID_VNDR, 5);
  unsigned c = pci_device_add_capability (&f->dev, PCI_CAP_ID_VNDR, 16);

  g_assert_cmpuint (a, ==, 0x40);
  g_assert_cmpuint (b, ==, 0x4c);
  g_assert_cmpuint (c, ==, 0x54);
  g_assert_cmpuint (ecam_read (f, 0, PCI_DEVFN (SLOT, 0), PCI_CAPABILITY_LIST, 1), ==, a);
  g_assert_cmpuint (f->dev.config[a + 1], ==, b);
  g_assert_cmpuint (f->dev.config[b + 1], ==, c);
  g_assert_cmpuint (f->dev.config[c + 1], ==, 0);
  g_assert_cmpuint (f->dev.config[PCI_STATUS] & PCI_STATUS_CAP_LIST, !=, 0);
  /* Full: refused, not corrupting config space. */
    {
      GLogLevelFlags saved_ = test_log_allow_warnings ();
      g_assert_cmpuint (pci_device_add_capability (&f->dev, PCI_CAP_ID_VNDR, 200), ==, 0);
      test_log_restore (saved_);
    }
}

static void
test_intx (struct fixture *f, gconstpointer data)
{
  unsigned devfn = PCI_DEVFN (SLOT, 0);
  unsigned gsi = pci_host_intx_gsi (SLOT, 1);
  struct pci_device other;

  g_assert_cmpuint (ecam_read (f, 0, devfn, PCI_INTERRUPT_PIN, 1), ==, 1);
  g_assert_cmpuint (ecam_read (f, 0, devfn, PCI_INTERRUPT_LINE, 1), ==, gsi);
  g_assert_cmpuint (gsi, ==, 16 + (SLOT + 1 - 1) % 4);

  pci_device_set_intx (&f->dev, 1);
  g_assert_cmpint (f->irqs.level[gsi], ==, 1);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
  ecam_write (f, devfn, PCI_COMMAND, 2, PCI_COMMAND_INTX_DISABLE);
  g_assert_cmpint (f->irqs.level[gsi], ==, 0);
  /* Status still says the device wants an interrupt. */
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, !=, 0);
  pci_device_set_intx (&f->dev, 1);
  g_assert_cmpint (f->irqs.level[gsi], ==, 0);
  ecam_write (f, devfn, PCI_COMMAND, 2, 0);
  g_assert_cmpint (f->irqs.level[gsi], ==, 1);

  /* Another device on the same GSI (slot + 4, same pin): the line is shared. */
  pci_device_init (&other, "other", 0x1234, 0x5678, 0xff0000, 0, 0, 0);
  pci_device_set_interrupt_pin (&other, 1);
  g_assert_cmpint (pci_bus_add_device (&f->pci, &other, SLOT + 4, 0), ==, 0);
  g_assert_cmpuint (other.intx.gsi, ==, gsi);
  pci_device_set_intx (&other, 1);
  pci_device_set_intx (&f->dev, 0);
  g_assert_cmpint (f->irqs.level[gsi], ==, 1);
  g_assert_cmphex (ecam_read (f, 0, devfn, PCI_STATUS, 2) & PCI_STATUS_INTERRUPT, ==, 0);
  pci_device_set_intx (&other, 0);
  g_assert_cmpint (f->irqs.level[gsi], ==, 0);
  /* Slot + 1 pin A lands on the next GSI. */
  g_assert_cmpuint (pci_host_intx_gsi (SLOT + 1, 1), ==, 16 + (gsi - 16 + 1) % 4);
  g_assert_cmpuint (pci_host_intx_gsi (SLOT, 2), ==, 16 + (gsi - 16 + 1) % 4);
}

static void
test_multifunction (struct fixture *f, gconstpointer data)
{
  struct pci_device fn1;

  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 0), PCI_HEADER_TYPE, 1), ==, 0x00);
  pci_device_init (&fn1, "fn1", 0x1234, 0x5678, 0xff0000, 0, 0, 0);
  g_assert_cmpint (pci_bus_add_device (&f->pci, &fn1, SLOT, 1), ==, 0);
  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 0), PCI_HEADER_TYPE, 1), ==, 0x80);
  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 1), 0, 4), ==, 0x56781234);
    {
      GLogLevelFlags saved_ = test_log_allow_warnings ();
      g_assert_cmpint (pci_bus_add_device (&f->pci, &fn1, SLOT, 1), ==, -EEXIST);
      test_log_restore (saved_);
    }
  g_assert_cmpint (pci_bus_add_device (&f->pci, &fn1, 32, 0), ==, -EINVAL);
}

static void
test_assign_resources (struct fixture *f, gconstpointer data)
{
  unsigned i;
  uint32_t v;

  g_assert_cmpint (pci_bus_assign_resources (&f->pci), ==, 0);
  for (i = 0; i < PCI_NUM_BARS; i++)
    {
      if (!f->dev.bars[i].size)
        continue;
      g_assert_true (f->dev.bars[i].mapped);
      g_assert_cmphex (f->dev.bars[i].addr % f->dev.bars[i].size, ==, 0);
      if (f->dev.bars[i].flags & PCI_BAR_IO)
        {
          g_assert_cmphex (f->dev.bars[i].addr, >=, VM_PCI_IO_BASE);
          g_assert_cmphex (f->dev.bars[i].addr + f->dev.bars[i].size, <=, VM_PCI_IO_END);
          g_assert_true (bus_read (&f->pio, f->dev.bars[i].addr, &v, 1));
        }
      else
        {
          g_assert_cmphex (f->dev.bars[i].addr, >=, VM_MMIO32_BASE);
          g_assert_true (bus_read (&f->mmio, f->dev.bars[i].addr + 8, &v, 4));
          g_assert_cmpuint (f->last_offset, ==, 8);
        }
    }
  g_assert_cmphex (pci_config_get16 (&f->dev, PCI_COMMAND) & 7, ==, 7);
  g_assert_cmphex (ecam_read (f, 0, PCI_DEVFN (SLOT, 0), 0x18, 4) & ~0xfu,
                   ==, (uint32_t) f->dev.bars[2].addr);
}

static void
test_pmbase (struct fixture *f, gconstpointer data)
{
  unsigned lpc = PCI_DEVFN (0x1f, 0);
  uint32_t v;

  g_assert_true (bus_read (&f->pio, 0x608, &v, 4));
  ecam_write (f, lpc, 0x40, 4, 0xb000);
  g_assert_cmphex (ecam_read (f, 0, lpc, 0x40, 4), ==, 0xb001);
  g_assert_false (bus_read (&f->pio, 0x608, &v, 4));
  g_assert_true (bus_read (&f->pio, 0xb008, &v, 4));
  ecam_write (f, lpc, 0x44, 1, 0x00);
  g_assert_false (bus_read (&f->pio, 0xb008, &v, 4));
  ecam_write (f, lpc, 0x44, 1, 0x80);
  g_assert_true (bus_read (&f->pio, 0xb008, &v, 4));
  /* PIRQ routing registers are stored. */
  ecam_write (f, lpc, 0x60, 4, 0x0b0a0b0a);
  g_assert_cmphex (ecam_read (f, 0, lpc, 0x60, 4), ==, 0x0b0a0b0a);
  g_assert_cmphex (ecam_read (f, 0, lpc, 0x68, 4), ==, 0x80808080);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/Vmm/pci/" path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("mechanisms-agree", test_mechanisms_agree);
  ADD ("absent-device", test_absent);
  ADD ("bar-sizing", test_bar_sizing);
  ADD ("bar-mapping", test_bar_mapping);
  ADD ("status-w1c", test_status_w1c);
  ADD ("capabilities", test_capabilities);
  ADD ("intx", test_intx);
  ADD ("multifunction", test_multifunction);
  ADD ("assign-resources", test_assign_resources);
  g_test_add ("/Vmm/pci/pmbase", struct fixture, "pm", fixture_setup, test_pmbase,
              fixture_teardown);
  return g_test_run ();
}
