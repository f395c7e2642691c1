/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-rng"

#include "config.h"

#include <glib.h>

#include "virtio/virtio-rng.h"
#include "virtio-test-driver.h"

#define MIB (1ull << 20)

static int irqs;

static void
record_queue (void *opaque, unsigned q)
{
  irqs++;
}

static const struct virtio_transport_ops recorder = { .notify_queue = record_queue };

static void
test_fill (void)
{
  struct guest_memory mem;
  struct virtio_rng *rng;
  struct virtio_device *vdev;
  struct test_vq t;
  static const uint8_t zeros[64];
  uint32_t id = 0, len = 0;

  g_assert_cmpint (guest_memory_init (&mem, 32 * MIB, 16 * MIB), ==, 0);
  rng = virtio_rng_new (&mem);
  vdev = virtio_rng_get_device (rng);
  g_assert_cmpuint (vdev->ops->device_id, ==, 4);
  virtio_device_set_transport (vdev, &recorder, NULL);
  vdev->guest_features = vdev->host_features;
  tvq_init (&t, &mem, &vdev->queues[0], 8, 0x10000);
  g_assert_cmpint (virtqueue_enable (&vdev->queues[0]), ==, 0);

  /* Not live yet: nothing happens. */
  tvq_set_desc (&t, 0, 0x20000, 64, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 1);
  tvq_set_desc (&t, 1, GUEST_MEMORY_HIGH_BASE, 64, VRING_DESC_F_WRITE, 0);
  tvq_publish (&t, 0);
  vdev->ops->queue_notify (vdev, 0);
  g_assert_cmpuint (tvq_used_idx (&t), ==, 0);

  atomic_store (&vdev->status, VIRTIO_STATUS_DRIVER_OK | VIRTIO_STATUS_FEATURES_OK);
  vdev->ops->queue_notify (vdev, 0);
  g_assert_true (tvq_get_used (&t, &id, &len));
  g_assert_cmpuint (len, ==, 128);
  g_assert_true (memcmp (guest_memory_ptr (&mem, 0x20000, 64), zeros, 64) != 0);
  g_assert_true (memcmp (guest_memory_ptr (&mem, GUEST_MEMORY_HIGH_BASE, 64), zeros, 64) != 0);
  g_assert_cmpint (irqs, ==, 1);

  /* A readable-only request gets nothing written, and is returned. */
  tvq_set_desc (&t, 2, 0x30000, 16, 0, 0);
  tvq_publish (&t, 2);
  vdev->ops->queue_notify (vdev, 0);
  g_assert_true (tvq_get_used (&t, &id, &len));
  g_assert_cmpuint (id, ==, 2);
  g_assert_cmpuint (len, ==, 0);

  virtio_rng_destroy (rng);
  guest_memory_destroy (&mem);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-rng/fill", test_fill);
  return g_test_run ();
}
