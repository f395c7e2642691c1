/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-pci"

#include "config.h"

#include <glib.h>
#include <linux/virtio_pci.h>

#include "msix-recorder.h"
#include "virtio/virtio-pci.h"
#include "virtio/virtio-rng.h"
#include "virtio-test-driver.h"

#define MIB      (1ull << 20)
#define BAR_ADDR 0xe0000000ull
#define RING     0x10000ull

struct notifier_log {
  int added;
  int removed;
  uint64_t last_addr;
};

static int
log_add (void *opaque, int fd, uint64_t addr)
{
  struct notifier_log *l = opaque;

  l->added++;
  l->last_addr = addr;
  return 0;
}

static void
log_remove (void *opaque, int fd, uint64_t addr)
{
  ((struct notifier_log *) opaque)->removed++;
}

static const struct virtio_pci_notifier_ops log_ops = { log_add, log_remove };

struct fixture {
  struct guest_memory mem;
  struct virtio_rng *rng;
  struct virtio_pci vp;
  struct msix_recorder rec;
  struct notifier_log log;
  struct test_vq t;
};

static void
fixture_setup (struct fixture *f, bool threaded)
{
  struct msix_delivery d = msix_recorder_delivery (&f->rec);

  memset (&f->log, 0, sizeof f->log);
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, 16 * MIB), ==, 0);
  f->rng = virtio_rng_new (&f->mem);
  g_assert_cmpint (virtio_pci_init (&f->vp, virtio_rng_get_device (f->rng), &d, &log_ops,
                                    &f->log, threaded), ==, 0);
}

static void
fixture_teardown (struct fixture *f)
{
  virtio_pci_destroy (&f->vp);
  g_assert_true (f->rec.torn_down);
  virtio_rng_destroy (f->rng);
  guest_memory_destroy (&f->mem);
}

static uint64_t
rd (struct fixture *f, uint64_t off, unsigned size)
{
  uint64_t v = 0;

  f->vp.pci.bars[VIRTIO_PCI_BAR].ops->read (f->vp.pci.bars[VIRTIO_PCI_BAR].opaque, off, &v, size);
  return v;
}

static void
wr (struct fixture *f, uint64_t off, uint64_t v, unsigned size)
{
  f->vp.pci.bars[VIRTIO_PCI_BAR].ops->write (f->vp.pci.bars[VIRTIO_PCI_BAR].opaque, off, &v,
                                             size);
}

#define CC(field) offsetof (struct virtio_pci_common_cfg, field)

/* Finds the vendor capability of @type; returns its config offset. */
static unsigned
find_cap (struct fixture *f, uint8_t type)
{
  const uint8_t *c = f->vp.pci.config;

  for (unsigned off = c[PCI_CAPABILITY_LIST]; off; off = c[off + 1])
    if (c[off] == PCI_CAP_ID_VNDR && c[off + 3] == type)
      return off;
  return 0;
}

static void
test_config_space (void)
{
  struct fixture f;
  struct pci_device *dev = &f.vp.pci;
  unsigned cap;

  fixture_setup (&f, false);
  g_assert_cmpuint (pci_config_get16 (dev, PCI_VENDOR_ID), ==, 0x1af4);
  g_assert_cmpuint (pci_config_get16 (dev, PCI_DEVICE_ID), ==, 0x1044);
  g_assert_cmpuint (dev->config[PCI_REVISION_ID], ==, 1);
  g_assert_cmpuint (pci_config_get16 (dev, PCI_SUBSYSTEM_VENDOR_ID), ==, 0x1af4);
  g_assert_cmpuint (dev->bars[VIRTIO_PCI_BAR].size, ==, VIRTIO_PCI_BAR_SIZE);
  g_assert_true (dev->bars[VIRTIO_PCI_BAR].flags & PCI_BAR_MEM64);
  g_assert_cmpuint (dev->bars[VIRTIO_PCI_MSIX_BAR].size, >=, 4096);

  cap = find_cap (&f, VIRTIO_PCI_CAP_COMMON_CFG);
  g_assert_cmpuint (cap, !=, 0);
  g_assert_cmpuint (dev->config[cap + 4], ==, VIRTIO_PCI_BAR);
  g_assert_cmpuint (pci_config_get32 (dev, cap + 8), ==, VIRTIO_PCI_COMMON_OFF);
  g_assert_cmpuint (pci_config_get32 (dev, cap + 12), >=, sizeof (struct virtio_pci_common_cfg));
  cap = find_cap (&f, VIRTIO_PCI_CAP_NOTIFY_CFG);
  g_assert_cmpuint (cap, !=, 0);
  g_assert_cmpuint (dev->config[cap + 2], ==, 20);
  g_assert_cmpuint (pci_config_get32 (dev, cap + 8), ==, VIRTIO_PCI_NOTIFY_OFF);
  g_assert_cmpuint (pci_config_get32 (dev, cap + 16), ==, VIRTIO_PCI_NOTIFY_MULT);
  g_assert_cmpuint (find_cap (&f, VIRTIO_PCI_CAP_ISR_CFG), !=, 0);
  /* virtio-rng has no device config. */
  g_assert_cmpuint (find_cap (&f, VIRTIO_PCI_CAP_DEVICE_CFG), ==, 0);

  /* Notifiers follow the BAR. */
  dev->ops->bar_mapped (dev, VIRTIO_PCI_BAR, BAR_ADDR, true);
  g_assert_cmpint (f.log.added, ==, 1);
  g_assert_cmpuint (f.log.last_addr, ==, BAR_ADDR + VIRTIO_PCI_NOTIFY_OFF);
  dev->ops->bar_mapped (dev, VIRTIO_PCI_MSIX_BAR, 0xd0000000, true);
  g_assert_cmpint (f.log.added, ==, 1);
  dev->ops->bar_mapped (dev, VIRTIO_PCI_BAR, BAR_ADDR + 0x10000, true);
  g_assert_cmpint (f.log.removed, ==, 1);
  g_assert_cmpuint (f.log.last_addr, ==, BAR_ADDR + 0x10000 + VIRTIO_PCI_NOTIFY_OFF);
  dev->ops->bar_mapped (dev, VIRTIO_PCI_BAR, 0, false);
  g_assert_cmpint (f.log.removed, ==, 2);
  g_assert_cmpint (f.log.added, ==, 2);
  fixture_teardown (&f);
}

static void
set_status (struct fixture *f, uint8_t s)
{
  wr (f, CC (device_status), s, 1);
}

/* A driver's bring-up, up to FEATURES_OK. */
static void
negotiate (struct fixture *f, bool version_1)
{
  uint64_t features;

  set_status (f, 0);
  /* Like Linux: the reset is done when status reads 0. */
  for (int i = 0; i < 2000 && rd (f, CC (device_status), 1) != 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (rd (f, CC (device_status), 1), ==, 0);
  set_status (f, VIRTIO_STATUS_ACKNOWLEDGE);
  set_status (f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
  wr (f, CC (device_feature_select), 0, 4);
  features = rd (f, CC (device_feature), 4);
  wr (f, CC (device_feature_select), 1, 4);
  features |= rd (f, CC (device_feature), 4) << 32;
  g_assert_true (features & (1ull << 32));  /* VERSION_1 */
  g_assert_true (features & (1ull << 29));  /* EVENT_IDX */
  wr (f, CC (device_feature_select), 7, 4);
  g_assert_cmpuint (rd (f, CC (device_feature), 4), ==, 0);

  if (!version_1)
    features &= ~(1ull << 32);
  features |= 1ull << 50;  /* not offered: dropped */
  wr (f, CC (guest_feature_select), 0, 4);
  wr (f, CC (guest_feature), (uint32_t) features, 4);
  wr (f, CC (guest_feature_select), 1, 4);
  wr (f, CC (guest_feature), features >> 32, 4);
  g_assert_cmpuint (rd (f, CC (guest_feature), 4), ==, (features >> 32) & ~(1u << 18));
  set_status (f, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
}

static void
setup_queue (struct fixture *f, uint16_t vector)
{
  g_assert_cmpuint (rd (f, CC (num_queues), 2), ==, 1);
  wr (f, CC (queue_select), 0, 2);
  g_assert_cmpuint (rd (f, CC (queue_size), 2), ==, 64);
  wr (f, CC (queue_size), 16, 2);
  tvq_init (&f->t, &f->mem, NULL, 16, RING);
  wr (f, CC (queue_desc_lo), f->t.desc, 8);  /* one 64-bit access */
  wr (f, CC (queue_avail_lo), f->t.avail, 4);  /* two halves */
  wr (f, CC (queue_avail_lo) + 4, f->t.avail >> 32, 4);
  wr (f, CC (queue_used_lo), f->t.used, 4);
  wr (f, CC (queue_used_lo) + 4, 0, 4);
  wr (f, CC (queue_msix_vector), vector, 2);
  g_assert_cmpuint (rd (f, CC (queue_desc_lo), 8), ==, f->t.desc);
  g_assert_cmpuint (rd (f, CC (queue_notify_off), 2), ==, 0);
  wr (f, CC (queue_enable), 1, 2);
  g_assert_cmpuint (rd (f, CC (queue_enable), 2), ==, 1);
  /* Frozen once enabled. */
  wr (f, CC (queue_size), 32, 2);
  g_assert_cmpuint (rd (f, CC (queue_size), 2), ==, 16);
}

static void
test_negotiation (void)
{
  struct fixture f;

  fixture_setup (&f, false);
  /* A legacy driver is refused: FEATURES_OK does not stick. */
  negotiate (&f, false);
  g_assert_cmpuint (rd (&f, CC (device_status), 1) & VIRTIO_STATUS_FEATURES_OK, ==, 0);

  negotiate (&f, true);
  g_assert_cmpuint (rd (&f, CC (device_status), 1), ==, 0xb);
  /* Features are frozen after FEATURES_OK. */
  wr (&f, CC (guest_feature_select), 1, 4);
  wr (&f, CC (guest_feature), 0, 4);
  g_assert_cmpuint (rd (&f, CC (guest_feature), 4) & 1, ==, 1);

  setup_queue (&f, 0);
  /* Vectors beyond the table read back as NO_VECTOR. */
  wr (&f, CC (msix_config), 5, 2);
  g_assert_cmpuint (rd (&f, CC (msix_config), 2), ==, VIRTIO_NO_VECTOR);
  wr (&f, CC (msix_config), 1, 2);
  g_assert_cmpuint (rd (&f, CC (msix_config), 2), ==, 1);

  /* Odd accesses are ignored, not fatal. */
  wr (&f, CC (queue_select), 0, 4);
  wr (&f, 0x3f, 0, 1);
  wr (&f, 0x2fff, 0, 1);
  g_assert_cmpuint (rd (&f, 0x1004, 4), ==, 0);

  /* Reset brings everything back. */
  set_status (&f, 0);
  g_assert_cmpuint (rd (&f, CC (device_status), 1), ==, 0);
  g_assert_cmpuint (rd (&f, CC (queue_enable), 2), ==, 0);
  g_assert_cmpuint (rd (&f, CC (queue_size), 2), ==, 64);
  g_assert_cmpuint (rd (&f, CC (msix_config), 2), ==, VIRTIO_NO_VECTOR);
  fixture_teardown (&f);
}

static void
enable_msix (struct fixture *f)
{
  struct msix *m = &f->vp.msix;
  uint32_t zero = 0, addr = 0xfee00000;
  const struct pci_bar *bar = &f->vp.pci.bars[VIRTIO_PCI_MSIX_BAR];

  for (unsigned v = 0; v < m->n; v++)
    {
      uint32_t data = 0x30 + v;

      bar->ops->write (bar->opaque, v * 16, &addr, 4);
      bar->ops->write (bar->opaque, v * 16 + 8, &data, 4);
      bar->ops->write (bar->opaque, v * 16 + 12, &zero, 4);
    }
  pci_config_set16 (&f->vp.pci, m->cap + 2, 0x8000 | (m->n - 1));
  f->vp.pci.ops->config_written (&f->vp.pci, m->cap + 2, 2);
}

static uint32_t
kick_and_wait (struct fixture *f, uint16_t head, bool threaded)
{
  uint32_t id = 0, len = 0;

  tvq_publish (&f->t, head);
  wr (f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
  for (int i = 0; i < 2000 && !tvq_get_used (&f->t, &id, &len); i++)
    {
      g_assert_true (threaded);
      g_usleep (1000);
    }
  g_assert_cmpuint (id, ==, head);
  return len;
}

static void
run_queue (bool threaded)
{
  struct fixture f;

  fixture_setup (&f, threaded);
  enable_msix (&f);
  negotiate (&f, true);
  setup_queue (&f, 0);
  tvq_set_desc (&f.t, 3, 0x40000, 32, VRING_DESC_F_WRITE, 0);

  /* Before DRIVER_OK nothing runs. */
  tvq_publish (&f.t, 3);
  wr (&f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);
  g_usleep (threaded ? 20000 : 0);
  g_assert_cmpuint (tvq_used_idx (&f.t), ==, 0);
  /* DRIVER_OK picks up what was waiting. */
  set_status (&f, 0xf);
  for (int i = 0; i < 2000 && tvq_used_idx (&f.t) == 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (tvq_used_idx (&f.t), ==, 1);
  f.t.used_seen = 1;
  g_assert_cmpuint (__atomic_load_n (&f.rec.fired_per_vector[0], __ATOMIC_SEQ_CST), ==, 1);
  g_assert_cmpuint (f.rec.last_data, ==, 0x30);

  g_assert_cmpuint (kick_and_wait (&f, 3, threaded), ==, 32);

  /* Reset from the vCPU side; the driver polls until status reads 0. */
  set_status (&f, 0);
  for (int i = 0; i < 2000 && rd (&f, CC (device_status), 1) != 0; i++)
    g_usleep (1000);
  g_assert_cmpuint (rd (&f, CC (device_status), 1), ==, 0);
  g_assert_cmpuint (rd (&f, CC (queue_enable), 2), ==, 0);

  /* Machine reset, with the device running. */
  negotiate (&f, true);
  setup_queue (&f, 0);
  tvq_set_desc (&f.t, 3, 0x40000, 32, VRING_DESC_F_WRITE, 0);
  set_status (&f, 0xf);
  g_assert_cmpuint (kick_and_wait (&f, 3, threaded), ==, 32);
  virtio_pci_reset (&f.vp);
  g_assert_cmpuint (rd (&f, CC (device_status), 1), ==, 0);
  g_assert_false (msix_is_enabled (&f.vp.msix));
  fixture_teardown (&f);
}

static void
test_queue_inline (void)
{
  run_queue (false);
}

static void
test_queue_threaded (void)
{
  run_queue (true);
}

static void
test_intx (void)
{
  struct fixture f;

  /* MSI-X left disabled: INTx and the ISR say what happened. */
  fixture_setup (&f, false);
  negotiate (&f, true);
  setup_queue (&f, VIRTIO_NO_VECTOR);
  set_status (&f, 0xf);
  tvq_set_desc (&f.t, 0, 0x40000, 8, VRING_DESC_F_WRITE, 0);
  g_assert_cmpuint (kick_and_wait (&f, 0, false), ==, 8);
  g_assert_cmpint (f.vp.pci.intx_level, ==, 1);
  g_assert_cmpuint (rd (&f, VIRTIO_PCI_ISR_OFF, 1), ==, 1);
  g_assert_cmpint (f.vp.pci.intx_level, ==, 0);
  g_assert_cmpuint (rd (&f, VIRTIO_PCI_ISR_OFF, 1), ==, 0);
  g_assert_cmpuint (f.rec.fired, ==, 0);
  fixture_teardown (&f);
}

static void
test_hostile_queue (void)
{
  struct fixture f;
  uint8_t gen;

  fixture_setup (&f, false);
  negotiate (&f, true);
  gen = rd (&f, CC (config_generation), 1);
  wr (&f, CC (queue_select), 0, 2);
  wr (&f, CC (queue_size), 16, 2);
  wr (&f, CC (queue_desc_lo), GUEST_MEMORY_HIGH_BASE + 16 * MIB - 64, 8);  /* past RAM */
  wr (&f, CC (queue_enable), 1, 2);
  g_assert_cmpuint (rd (&f, CC (device_status), 1) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
  g_assert_cmpuint (rd (&f, CC (config_generation), 1), !=, gen);
  g_assert_cmpuint (rd (&f, VIRTIO_PCI_ISR_OFF, 1), ==, 2);  /* config change */
  /* The driver cannot clear NEEDS_RESET but by a reset. */
  set_status (&f, 0xf);
  g_assert_cmpuint (rd (&f, CC (device_status), 1) & VIRTIO_STATUS_NEEDS_RESET, !=, 0);
  /* Bad queue selections and sizes are harmless. */
  wr (&f, CC (queue_select), 9, 2);
  wr (&f, CC (queue_enable), 1, 2);
  wr (&f, CC (queue_msix_vector), 0, 2);
  g_assert_cmpuint (rd (&f, CC (queue_size), 2), ==, 0);
  wr (&f, VIRTIO_PCI_NOTIFY_OFF + 4, 0, 2);  /* past the last queue */
  wr (&f, VIRTIO_PCI_NOTIFY_OFF, 0, 2);      /* broken: no work */

  negotiate (&f, true);
  g_assert_cmpuint (rd (&f, CC (device_status), 1), ==, 0xb);
  fixture_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-pci/config-space", test_config_space);
  g_test_add_func ("/Vmm/virtio-pci/negotiation", test_negotiation);
  g_test_add_func ("/Vmm/virtio-pci/queue-inline", test_queue_inline);
  g_test_add_func ("/Vmm/virtio-pci/queue-threaded", test_queue_threaded);
  g_test_add_func ("/Vmm/virtio-pci/intx", test_intx);
  g_test_add_func ("/Vmm/virtio-pci/hostile-queue", test_hostile_queue);
  return g_test_run ();
}
