/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-msix"

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "msix-recorder.h"

struct fixture {
  struct pci_device dev;
  struct msix msix;
  struct msix_recorder rec;
};

static void
fixture_setup (struct fixture *f, unsigned n)
{
  struct msix_delivery d = msix_recorder_delivery (&f->rec);

  memset (&f->dev, 0, sizeof f->dev);
  pci_device_init (&f->dev, "test", 0x1234, 0x5678, 0xff0000, 0, 0, 0);
  g_assert_cmpint (msix_init (&f->msix, &f->dev, 2, n, &d), ==, 0);
}

static void
fixture_teardown (struct fixture *f)
{
  msix_destroy (&f->msix);
  g_assert_true (f->rec.torn_down);
}

static uint32_t
bar_read32 (struct fixture *f, uint64_t off)
{
  uint32_t v;

  f->dev.bars[2].ops->read (f->dev.bars[2].opaque, off, &v, 4);
  return v;
}

static void
bar_write32 (struct fixture *f, uint64_t off, uint32_t v)
{
  f->dev.bars[2].ops->write (f->dev.bars[2].opaque, off, &v, 4);
}

/* What the PCI core does for a guest write to message control. */
static void
write_control (struct fixture *f, uint16_t v)
{
  unsigned off = f->msix.cap + 2;
  uint16_t old = pci_config_get16 (&f->dev, off);
  uint16_t mask = f->dev.wmask[off] | f->dev.wmask[off + 1] << 8;

  pci_config_set16 (&f->dev, off, (old & ~mask) | (v & mask));
  msix_config_written (&f->msix, off, 2);
}

static void
test_capability (void)
{
  struct fixture f;

  fixture_setup (&f, 3);
  g_assert_cmpuint (f.msix.cap, !=, 0);
  g_assert_cmpuint (f.dev.config[f.msix.cap], ==, PCI_CAP_ID_MSIX);
  g_assert_cmpuint (pci_config_get16 (&f.dev, f.msix.cap + 2), ==, 2);  /* N - 1 */
  g_assert_cmpuint (pci_config_get32 (&f.dev, f.msix.cap + 4), ==, 2);  /* table at 0, BAR 2 */
  g_assert_cmpuint (pci_config_get32 (&f.dev, f.msix.cap + 8), ==, 48 | 2);
  g_assert_cmpuint (f.dev.bars[2].size, ==, 4096);
  /* Table size is read-only; enable and mask-all are writable. */
  write_control (&f, 0xffff);
  g_assert_cmpuint (pci_config_get16 (&f.dev, f.msix.cap + 2), ==, 0xc002);
  g_assert_true (f.msix.enabled);
  g_assert_true (f.msix.function_masked);
  fixture_teardown (&f);
}

static void
test_mask_pending (void)
{
  struct fixture f;
  uint64_t addr = 0xfee01000;
  uint64_t q;

  fixture_setup (&f, 3);
  /* Disabled: the caller falls back to INTx. */
  g_assert_false (msix_notify (&f.msix, 1));

  bar_write32 (&f, 16 + 0, addr);
  bar_write32 (&f, 16 + 4, 0);
  bar_write32 (&f, 16 + 8, 0x4041);
  g_assert_cmpuint (f.rec.updates, ==, 3);
  g_assert_cmpuint (bar_read32 (&f, 16 + 8), ==, 0x4041);
  g_assert_cmpuint (bar_read32 (&f, 16 + 12), ==, 1);  /* masked at reset */

  write_control (&f, 0x8000);
  /* Masked: pending, nothing sent. */
  g_assert_true (msix_notify (&f.msix, 1));
  g_assert_cmpuint (f.rec.fired, ==, 0);
  g_assert_cmpuint (bar_read32 (&f, 48), ==, 1u << 1);

  /* Unmasking delivers the pending message once. */
  bar_write32 (&f, 16 + 12, 0);
  g_assert_cmpuint (f.rec.fired, ==, 1);
  g_assert_cmpuint (f.rec.last_vector, ==, 1);
  g_assert_cmpuint (f.rec.last_address, ==, addr);
  g_assert_cmpuint (f.rec.last_data, ==, 0x4041);
  g_assert_cmpuint (bar_read32 (&f, 48), ==, 0);

  msix_notify (&f.msix, 1);
  g_assert_cmpuint (f.rec.fired, ==, 2);

  /* Function mask: pending until cleared. */
  write_control (&f, 0xc000);
  msix_notify (&f.msix, 1);
  g_assert_cmpuint (f.rec.fired, ==, 2);
  g_assert_cmpuint (bar_read32 (&f, 48), ==, 1u << 1);
  write_control (&f, 0x8000);
  g_assert_cmpuint (f.rec.fired, ==, 3);

  /* A 64-bit read of the address, out-of-range vectors, bad accesses. */
  f.dev.bars[2].ops->read (f.dev.bars[2].opaque, 16, &q, 8);
  g_assert_cmpuint (q, ==, addr);
  g_assert_true (msix_notify (&f.msix, 3));
  g_assert_true (msix_notify (&f.msix, 100000));
  g_assert_cmpuint (f.rec.fired, ==, 3);
  {
    uint16_t v = 0;

    f.dev.bars[2].ops->write (f.dev.bars[2].opaque, 16 + 12, &v, 2);
    f.dev.bars[2].ops->write (f.dev.bars[2].opaque, 4094, &v, 2);
    bar_write32 (&f, 4092, 0);
    bar_write32 (&f, 48, 0xffffffff);  /* the PBA is read-only */
    g_assert_cmpuint (bar_read32 (&f, 48), ==, 0);
    q = 0;
    f.dev.bars[2].ops->write (f.dev.bars[2].opaque, 4096, &q, 8);
  }

  msix_reset (&f.msix);
  g_assert_false (msix_is_enabled (&f.msix));
  g_assert_cmpuint (bar_read32 (&f, 16 + 12), ==, 1);
  fixture_teardown (&f);
}

static int
failing_setup (void *opaque, unsigned n)
{
  return -ENOSPC;
}

static void
test_setup_failure (void)
{
  struct pci_device dev;
  struct msix msix;
  struct msix_recorder rec;
  struct msix_delivery_ops ops = msix_recorder_ops;
  struct msix_delivery d = { &ops, &rec };
  GLogLevelFlags fatal;

  memset (&rec, 0, sizeof rec);
  ops.setup = failing_setup;
  memset (&dev, 0, sizeof dev);
  pci_device_init (&dev, "test", 0x1234, 0x5678, 0xff0000, 0, 0, 0);
  /* The failure is logged as a warning, which tests make fatal. */
  fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_assert_cmpint (msix_init (&msix, &dev, 2, 4, &d), ==, -ENOSPC);
  g_log_set_always_fatal (fatal);
  g_assert_true (rec.torn_down);
  msix_destroy (&msix);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/msix/capability", test_capability);
  g_test_add_func ("/Vmm/msix/mask-pending", test_mask_pending);
  g_test_add_func ("/Vmm/msix/setup-failure", test_setup_failure);
  return g_test_run ();
}
