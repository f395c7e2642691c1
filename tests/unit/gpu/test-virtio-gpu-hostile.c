/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-gpu-hostile"

#include "config.h"

#include "gpu-test-driver.h"

static void
test_bad_ids (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_mem_entry e = { .addr = PAGES, .length = 4096 };

  g_assert_cmpuint (flush (f, 42, 0, 0, 1, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (transfer (f, 42, 0, 0, 1, 1, 0), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (set_scanout (f, 0, 42, 1, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (unref (f, 42), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (attach (f, 42, &e, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (create_2d (f, 0, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 8, 8), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  g_assert_cmpuint (create_2d (f, 2, 999, 8, 8), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (create_2d (f, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0, 8), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (set_scanout (f, 2, 1, 8, 8), ==, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
  g_assert_cmpuint (set_scanout (f, UINT32_MAX, 1, 8, 8), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
  g_assert_cmpuint (set_scanout (f, 0, 1, 9, 8), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (flush (f, 1, 4, 4, 5, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (flush (f, 1, UINT32_MAX, 0, 2, 1), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_true (virtio_device_is_live (f->vdev));
}

static void
test_bad_backing (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_mem_entry e[3] = { { .addr = PAGES, .length = 4096 } };
  struct virtio_gpu_resource_attach_backing a = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_ATTACH_BACKING, .resource_id = 1,
  };

  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 32, 32), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  /* Outside RAM, across the PCI hole, past the end of high RAM. */
  e[1] = (struct virtio_gpu_mem_entry) { .addr = 0x80000000ull, .length = 4096 };
  g_assert_cmpuint (attach (f, 1, e, 2), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  e[1] = (struct virtio_gpu_mem_entry) { .addr = LOW_END - 4096, .length = 8192 };
  g_assert_cmpuint (attach (f, 1, e, 2), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  e[1] = (struct virtio_gpu_mem_entry) { .addr = UINT64_MAX - 100, .length = 4096 };
  g_assert_cmpuint (attach (f, 1, e, 2), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);

  /* nr_entries: none, huge, more than the request carries. */
  a.nr_entries = 0;
  g_assert_cmpuint (ctrl (f, &a, sizeof a), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  a.nr_entries = UINT32_MAX;
  g_assert_cmpuint (ctrl (f, &a, sizeof a), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  a.nr_entries = 3;
  g_assert_cmpuint (send_full (f, 0, &a, sizeof a, e, sizeof e[0], 24, NULL)->type, ==,
                    VIRTIO_GPU_RESP_ERR_UNSPEC);

  /* Shorter than the resource (32x32x4 = 4096 bytes): a transfer of what
   * lies past its end fails; in high RAM it works. */
  e[0] = (struct virtio_gpu_mem_entry) { .addr = HIGH_PAGES, .length = 2048 };
  g_assert_cmpuint (attach (f, 1, e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (attach (f, 1, e, 1), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
  g_assert_cmpuint (transfer (f, 1, 0, 0, 32, 16, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (transfer (f, 1, 0, 0, 32, 17, 0), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (transfer (f, 1, 0, 0, 1, 1, 2045), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (transfer (f, 1, 0, 0, 1, 1, UINT64_MAX - 2), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  /* Rectangles outside the resource, including wrapping ones. */
  g_assert_cmpuint (transfer (f, 1, 31, 0, 2, 1, 0), ==, VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (transfer (f, 1, 0, UINT32_MAX, 1, 2, 0), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_cmpuint (transfer (f, 1, 1, 0, UINT32_MAX, 1, 0), ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER);
  g_assert_true (virtio_device_is_live (f->vdev));
}

static void
test_memory_cap (struct fixture *f, gconstpointer data)
{
  /* The cap is 1 MiB here. */
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, UINT32_MAX, UINT32_MAX),
                    ==, VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 0x40000000, 4), ==,
                    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 512, 512), ==,
                    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 256, 512), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (create_2d (f, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 256, 512), ==,
                    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
  /* Many tiny ones hit the cap too. */
  for (uint32_t id = 100; id < 100 + 4096; id++)
    if (create_2d (f, id, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1, 1) != VIRTIO_GPU_RESP_OK_NODATA)
      break;
  g_assert_cmpuint (create_2d (f, 9999, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1, 1), ==,
                    VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY);
  /* Freed memory is available again, and a reset frees it all. */
  g_assert_cmpuint (unref (f, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (create_2d (f, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 256, 256), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  f->vdev->ops->reset (f->vdev);
  g_assert_cmpuint (create_2d (f, 2, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 256, 511), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
}

static void
test_unref_on_scanout (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_mem_entry e = { .addr = PAGES, .length = 16 * 16 * 4 };
  struct display_surface *s;

  memset (gptr (f, PAGES, e.length), 0x5a, e.length);
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 16, 16), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (attach (f, 1, &e, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (transfer (f, 1, 0, 0, 16, 16, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (set_scanout (f, 0, 1, 16, 16), ==, VIRTIO_GPU_RESP_OK_NODATA);
  /* Allowed by the spec; the scanout keeps its last picture. */
  g_assert_cmpuint (unref (f, 1), ==, VIRTIO_GPU_RESP_OK_NODATA);
  s = display_get_surface (f->display, 0);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->data[15 * s->stride + 15 * 4], ==, 0x5a);
  display_surface_unref (s);
  /* A new resource with the old id does not appear there by itself. */
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 16, 16), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (flush (f, 1, 0, 0, 16, 16), ==, VIRTIO_GPU_RESP_OK_NODATA);
  s = display_get_surface (f->display, 0);
  g_assert_cmpuint (s->data[0], ==, 0x5a);
  display_surface_unref (s);
}

static void
test_truncated (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_resource_create_2d c = {
    .hdr.type = VIRTIO_GPU_CMD_RESOURCE_CREATE_2D, .resource_id = 1,
    .format = VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, .width = 4, .height = 4,
  };
  struct virtio_gpu_ctrl_hdr h = { .type = 0x0123 };
  struct virtio_gpu_ctrl_hdr *r;

  g_assert_cmpuint (ctrl (f, &c, sizeof c - 4), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
  g_assert_cmpuint (ctrl (f, &c, 8), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
  g_assert_cmpuint (ctrl (f, &h, sizeof h), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
  h.type = VIRTIO_GPU_CMD_GET_CAPSET_INFO;
  g_assert_cmpuint (ctrl (f, &h, sizeof h), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
  h.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
  g_assert_cmpuint (ctrl (f, &h, sizeof h), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);  /* no room */
  /* Nothing was created by the truncated one. */
  g_assert_cmpuint (ctrl (f, &c, sizeof c), ==, VIRTIO_GPU_RESP_OK_NODATA);

  /* Fences come back with the response. */
  c.hdr.flags = VIRTIO_GPU_FLAG_FENCE;
  c.hdr.fence_id = 0x123456789ull;
  c.hdr.ctx_id = 0;
  c.resource_id = 2;
  r = send_full (f, 0, &c, sizeof c, NULL, 0, sizeof *r, NULL);
  g_assert_cmpuint (r->type, ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (r->flags & VIRTIO_GPU_FLAG_FENCE, !=, 0);
  g_assert_cmpuint (r->fence_id, ==, 0x123456789ull);
  g_assert_true (virtio_device_is_live (f->vdev));

  /* No room for any response on the control queue: the device stops. */
  g_assert_false (send_raw (f, 0, &c, sizeof c, NULL, 0, 8, NULL));
  g_assert_false (virtio_device_is_live (f->vdev));
  g_assert_cmpint (f->config_irqs, ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, setup) \
  g_test_add ("/Vmm/virtio-gpu/hostile/" path, struct fixture, NULL, setup, fn, \
              fixture_teardown)
  ADD ("bad-ids", test_bad_ids, fixture_setup);
  ADD ("bad-backing", test_bad_backing, fixture_setup);
  ADD ("memory-cap", test_memory_cap, fixture_setup_small);
  ADD ("unref-on-scanout", test_unref_on_scanout, fixture_setup);
  ADD ("truncated", test_truncated, fixture_setup);
#undef ADD
  return g_test_run ();
}
