/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The guest's virtio-gpu driver for tests: both queues in a struct
 * guest_memory, commands built as Linux builds them, the device's display
 * read back through the display API.
 */

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <string.h>

#include "display/display.h"
#include "virtio/gpu/virtio-gpu.h"
#include "../virtio/virtio-test-driver.h"

/* The guest: 32 MiB of RAM, 16 MiB low, the rest at 4 GiB (so there is a
 * PCI hole to straddle). */
#define MIB       (1ull << 20)
#define LOW_END   (16 * MIB)
#define RING0     0x10000ull
#define RING1     0x20000ull
#define REQ       0x100000ull
#define EXTRA     0x140000ull
#define RESP      0x180000ull
#define PAGES     0x200000ull   /* backing pages from here, low RAM */
#define HIGH_PAGES (GUEST_MEMORY_HIGH_BASE + 0x100000ull)

struct fixture {
  struct guest_memory mem;
  struct display *display;
  struct virtio_gpu *gpu;
  struct virtio_device *vdev;
  struct test_vq t[2];
  int config_irqs;
};

static inline void
record_queue (void *opaque, unsigned q)
{
}

static inline void
record_config (void *opaque)
{
  ((struct fixture *) opaque)->config_irqs++;
}

static const struct virtio_transport_ops recorder = {
  .notify_queue = record_queue,
  .notify_config = record_config,
};

static inline void
fixture_setup_cap (struct fixture *f, uint64_t cap)
{
  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, LOW_END), ==, 0);
  f->display = display_new (2);
  f->gpu = virtio_gpu_new (&f->mem, f->display, 2, cap);
  g_assert_nonnull (f->gpu);
  f->vdev = virtio_gpu_get_device (f->gpu);
  virtio_device_set_transport (f->vdev, &recorder, f);
  f->vdev->guest_features = f->vdev->host_features;
  for (unsigned q = 0; q < 2; q++)
    {
      tvq_init (&f->t[q], &f->mem, &f->vdev->queues[q], 64, q ? RING1 : RING0);
      g_assert_cmpint (virtqueue_enable (&f->vdev->queues[q]), ==, 0);
    }
  atomic_store (&f->vdev->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static inline void
fixture_setup (struct fixture *f, gconstpointer data)
{
  fixture_setup_cap (f, 0);
}

static inline void
fixture_setup_small (struct fixture *f, gconstpointer data)
{
  fixture_setup_cap (f, 1 * MIB);
}

static inline void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  virtio_gpu_destroy (f->gpu);
  display_free (f->display);
  guest_memory_destroy (&f->mem);
}

static inline void *
gptr (struct fixture *f, uint64_t gpa, uint64_t len)
{
  return tvq_ptr (&f->t[0], gpa, len);
}

/*
 * Sends @req (with @extra in a second buffer when not NULL) on queue @q with
 * a @resp_len response buffer (none when 0). Returns whether the device gave
 * the request back, with its used length in *used_len.
 */
static inline gboolean
send_raw (struct fixture *f, unsigned q, const void *req, size_t len, const void *extra,
          size_t extra_len, size_t resp_len, uint32_t *used_len)
{
  struct test_vq *t = &f->t[q];
  uint32_t id = 99, used = 0;
  uint16_t d = 0;

  memcpy (gptr (f, REQ, len), req, len);
  memset (gptr (f, RESP, 4096), 0xee, 4096);
  tvq_set_desc (t, d, REQ, len, (extra || resp_len) ? VRING_DESC_F_NEXT : 0, d + 1);
  d++;
  if (extra)
    {
      memcpy (gptr (f, EXTRA, extra_len), extra, extra_len);
      tvq_set_desc (t, d, EXTRA, extra_len, resp_len ? VRING_DESC_F_NEXT : 0, d + 1);
      d++;
    }
  if (resp_len)
    tvq_set_desc (t, d, RESP, resp_len, VRING_DESC_F_WRITE, 0);
  tvq_publish (t, 0);
  f->vdev->ops->queue_notify (f->vdev, q);
  if (!tvq_get_used (t, &id, &used))
    return FALSE;
  g_assert_cmpuint (id, ==, 0);
  if (used_len)
    *used_len = used;
  return TRUE;
}

/* The same, for requests that must come back; returns the response at RESP. */
static inline struct virtio_gpu_ctrl_hdr *
send_full (struct fixture *f, unsigned q, const void *req, size_t len, const void *extra,
           size_t extra_len, size_t resp_len, uint32_t *used_len)
{
  g_assert_true (send_raw (f, q, req, len, extra, extra_len, resp_len, used_len));
  return gptr (f, RESP, 4096);
}

/* A control command with a header-sized response; returns its type. */
static inline uint32_t
ctrl (struct fixture *f, const void *req, size_t len)
{
  uint32_t used;
  struct virtio_gpu_ctrl_hdr *r = send_full (f, 0, req, len, NULL, 0, sizeof *r, &used);

  g_assert_cmpuint (used, ==, sizeof *r);
  return r->type;
}

static inline uint32_t
create_2d (struct fixture *f, uint32_t id, uint32_t format, uint32_t w, uint32_t h)
{
  struct virtio_gpu_resource_create_2d c = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D,
    .resource_id = id, .format = format, .width = w, .height = h,
  };

  return ctrl (f, &c, sizeof c);
}

static inline uint32_t
attach (struct fixture *f, uint32_t id, const struct virtio_gpu_mem_entry *e, uint32_t n)
{
  struct virtio_gpu_resource_attach_backing a = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = id, .nr_entries = n,
  };
  struct virtio_gpu_ctrl_hdr *r = send_full (f, 0, &a, sizeof a, e, n * sizeof *e, sizeof *r,
                                             NULL);

  return r->type;
}

static inline uint32_t
transfer (struct fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h,
          uint64_t offset)
{
  struct virtio_gpu_transfer_to_host_2d t = {
    .hdr.type = VIRTIO_GPU_CMD_TRANSFER_TO_HOST_2D,
    .r = { x, y, w, h }, .offset = offset, .resource_id = id,
  };

  return ctrl (f, &t, sizeof t);
}

static inline uint32_t
set_scanout (struct fixture *f, uint32_t scanout, uint32_t id, uint32_t w, uint32_t h)
{
  struct virtio_gpu_set_scanout s = {
    .hdr.type = VIRTIO_GPU_CMD_SET_SCANOUT, .r = { 0, 0, w, h },
    .scanout_id = scanout, .resource_id = id,
  };

  return ctrl (f, &s, sizeof s);
}

static inline uint32_t
flush (struct fixture *f, uint32_t id, uint32_t x, uint32_t y, uint32_t w, uint32_t h)
{
  struct virtio_gpu_resource_flush fl = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_FLUSH, .r = { x, y, w, h }, .resource_id = id,
  };

  return ctrl (f, &fl, sizeof fl);
}

static inline uint32_t
unref (struct fixture *f, uint32_t id)
{
  struct virtio_gpu_resource_unref u = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_UNREF, .resource_id = id,
  };

  return ctrl (f, &u, sizeof u);
}

/*
 * Backing for @len bytes split over entries of odd sizes at scattered,
 * descending addresses, as a guest's pages may be. Returns the entry count.
 */
static inline uint32_t
scatter (struct virtio_gpu_mem_entry *e, uint32_t max, uint64_t len)
{
  static const uint32_t chunk[] = { 1000, 4096, 3000, 12, 4096 };
  uint32_t n = 0;
  uint64_t off = 0;

  while (off < len)
    {
      uint32_t c = MIN (chunk[n % G_N_ELEMENTS (chunk)], len - off);

      g_assert_cmpuint (n, <, max);
      e[n].addr = PAGES + 0x800000ull - (n + 1) * 0x2000ull;
      e[n].length = c;
      e[n].padding = 0;
      off += c;
      n++;
    }
  return n;
}

/* Writes @data (image bytes) into the scattered backing. */
static inline void
scatter_write (struct fixture *f, const struct virtio_gpu_mem_entry *e, uint32_t n,
               const uint8_t *data)
{
  for (uint32_t i = 0; i < n; i++)
    {
      memcpy (gptr (f, e[i].addr, e[i].length), data, e[i].length);
      data += e[i].length;
    }
}
