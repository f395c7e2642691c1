/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-gpu"

#include "config.h"

#include "gpu-test-driver.h"

static void
test_display_info (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_ctrl_hdr h = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
  struct virtio_gpu_resp_display_info *r;
  uint32_t used, cfg[4];

  r = (void *) send_full (f, 0, &h, sizeof h, NULL, 0, sizeof *r, &used);
  g_assert_cmpuint (used, ==, sizeof *r);
  g_assert_cmpuint (r->hdr.type, ==, VIRTIO_GPU_RESP_OK_DISPLAY_INFO);
  g_assert_cmpuint (r->pmodes[0].enabled, ==, 1);
  g_assert_cmpuint (r->pmodes[0].r.width, ==, 1024);
  g_assert_cmpuint (r->pmodes[0].r.height, ==, 768);
  g_assert_cmpuint (r->pmodes[1].enabled, ==, 0);

  f->vdev->ops->config_read (f->vdev, 0, cfg, sizeof cfg);
  g_assert_cmpuint (cfg[0], ==, 0);
  g_assert_cmpuint (cfg[2], ==, 2);
  g_assert_cmpuint (cfg[3], ==, 0);
  g_assert_true (f->vdev->host_features & (1ull << VIRTIO_GPU_F_EDID));
  g_assert_cmpuint (f->vdev->ops->device_id, ==, 16);
}

static void
test_edid (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_cmd_get_edid g = { .hdr.type = VIRTIO_GPU_CMD_GET_EDID, .scanout = 0 };
  struct virtio_gpu_resp_edid *r;
  uint8_t sum = 0;

  r = (void *) send_full (f, 0, &g, sizeof g, NULL, 0, sizeof *r, NULL);
  g_assert_cmpuint (r->hdr.type, ==, VIRTIO_GPU_RESP_OK_EDID);
  g_assert_cmpuint (r->size, ==, 128);
  for (unsigned i = 0; i < 128; i++)
    sum += r->edid[i];
  g_assert_cmpuint (sum, ==, 0);
  g_assert_cmpuint (r->edid[56] | (r->edid[58] >> 4) << 8, ==, 1024);

  g.scanout = 2;
  r = (void *) send_full (f, 0, &g, sizeof g, NULL, 0, sizeof *r, NULL);
  g_assert_cmpuint (r->hdr.type, ==, VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
  /* Too small a response buffer for an EDID. */
  g.scanout = 0;
  r = (void *) send_full (f, 0, &g, sizeof g, NULL, 0, 64, NULL);
  g_assert_cmpuint (r->hdr.type, ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
}

/* One pixel (R 0x11, G 0x22, B 0x33, A 0x80) in each format's byte order. */
static const struct {
  uint32_t format;
  uint8_t bytes[4];
} formats[] = {
  { VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, { 0x33, 0x22, 0x11, 0x80 } },
  { VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, { 0x33, 0x22, 0x11, 0x00 } },
  { VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, { 0x80, 0x11, 0x22, 0x33 } },
  { VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, { 0x00, 0x11, 0x22, 0x33 } },
  { VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, { 0x11, 0x22, 0x33, 0x80 } },
  { VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, { 0x00, 0x33, 0x22, 0x11 } },
  { VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, { 0x80, 0x33, 0x22, 0x11 } },
  { VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, { 0x11, 0x22, 0x33, 0x00 } },
};

#define W 100
#define H 60

static void
test_formats (struct fixture *f, gconstpointer data)
{
  g_autofree uint8_t *image = g_malloc0 (W * H * 4);
  struct virtio_gpu_mem_entry e[64];
  uint32_t n = scatter (e, G_N_ELEMENTS (e), W * H * 4);
  struct display_consumer *consumer = display_subscribe (f->display, NULL, NULL);

  g_assert_cmpuint (n, >, 3);
  for (unsigned i = 0; i < G_N_ELEMENTS (formats); i++)
    {
      uint32_t id = 10 + i;
      struct display_surface *s;
      struct display_changes ch;
      const uint8_t *px;

      /* The pixel at (37, 41), and its row neighbour left black. */
      memset (image, 0, W * H * 4);
      memcpy (image + (41 * W + 37) * 4, formats[i].bytes, 4);
      scatter_write (f, e, n, image);

      g_assert_cmpuint (create_2d (f, id, formats[i].format, W, H), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
      g_assert_cmpuint (attach (f, id, e, n), ==, VIRTIO_GPU_RESP_OK_NODATA);
      /* Two transfers: the upper band, then the rest at its offset. */
      g_assert_cmpuint (transfer (f, id, 0, 0, W, 30, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
      g_assert_cmpuint (transfer (f, id, 10, 30, W - 10, H - 30, (30 * W + 10) * 4), ==,
                        VIRTIO_GPU_RESP_OK_NODATA);
      g_assert_cmpuint (set_scanout (f, 0, id, W, H), ==, VIRTIO_GPU_RESP_OK_NODATA);
      display_consumer_poll (consumer, 0, &ch);
      g_assert_true (ch.damaged);
      g_assert_cmpuint (flush (f, id, 30, 40, 10, 5), ==, VIRTIO_GPU_RESP_OK_NODATA);
      display_consumer_poll (consumer, 0, &ch);
      g_assert_true (ch.damaged);
      g_assert_cmpint (ch.damage.x, ==, 30);
      g_assert_cmpint (ch.damage.y, ==, 40);
      g_assert_cmpuint (ch.damage.width, ==, 10);

      s = display_get_surface (f->display, 0);
      g_assert_nonnull (s);
      g_assert_cmpuint (s->width, ==, W);
      g_assert_cmpuint (s->height, ==, H);
      px = s->data + 41 * s->stride + 37 * 4;
      g_assert_cmpuint (px[0], ==, 0x33);
      g_assert_cmpuint (px[1], ==, 0x22);
      g_assert_cmpuint (px[2], ==, 0x11);
      g_assert_cmpuint (px[-4] | px[-3] | px[-2], ==, 0);
      display_surface_unref (s);

      /* The detach/unref order Linux uses when a framebuffer goes. */
      struct virtio_gpu_resource_detach_backing d = {
        .hdr.type = VIRTIO_GPU_CMD_RESOURCE_DETACH_BACKING, .resource_id = id,
      };
      g_assert_cmpuint (ctrl (f, &d, sizeof d), ==, VIRTIO_GPU_RESP_OK_NODATA);
      g_assert_cmpuint (transfer (f, id, 0, 0, 1, 1, 0), ==, VIRTIO_GPU_RESP_ERR_UNSPEC);
      g_assert_cmpuint (unref (f, id), ==, VIRTIO_GPU_RESP_OK_NODATA);
    }
  display_unsubscribe (consumer);
}

static void
test_resize (struct fixture *f, gconstpointer data)
{
  struct virtio_gpu_ctrl_hdr h = { .type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO };
  struct virtio_gpu_resp_display_info *r;
  struct display_surface *s;
  uint32_t cfg[4], clear = VIRTIO_GPU_EVENT_DISPLAY;

  display_request_size (f->display, 0, 1280, 800);
  g_assert_cmpint (f->config_irqs, ==, 1);
  f->vdev->ops->config_read (f->vdev, 0, cfg, sizeof cfg);
  g_assert_cmpuint (cfg[0], ==, VIRTIO_GPU_EVENT_DISPLAY);

  r = (void *) send_full (f, 0, &h, sizeof h, NULL, 0, sizeof *r, NULL);
  g_assert_cmpuint (r->pmodes[0].r.width, ==, 1280);
  g_assert_cmpuint (r->pmodes[0].r.height, ==, 800);
  f->vdev->ops->config_write (f->vdev, 4, &clear, 4);
  f->vdev->ops->config_read (f->vdev, 0, cfg, sizeof cfg);
  g_assert_cmpuint (cfg[0], ==, 0);

  /* The same wish again changes nothing; a tiny one is clamped; scanout 1
   * comes alive when asked. */
  display_request_size (f->display, 0, 1280, 800);
  g_assert_cmpint (f->config_irqs, ==, 1);
  display_request_size (f->display, 0, 10, 10);
  display_request_size (f->display, 1, 800, 600);
  g_assert_cmpint (f->config_irqs, ==, 3);
  r = (void *) send_full (f, 0, &h, sizeof h, NULL, 0, sizeof *r, NULL);
  g_assert_cmpuint (r->pmodes[0].r.width, ==, 320);
  g_assert_cmpuint (r->pmodes[0].r.height, ==, 200);
  g_assert_cmpuint (r->pmodes[1].enabled, ==, 1);
  g_assert_cmpuint (r->pmodes[1].r.width, ==, 800);

  /* The guest's new mode shows on its next SET_SCANOUT. */
  g_assert_cmpuint (create_2d (f, 1, VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 1280, 800), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (set_scanout (f, 1, 1, 1280, 800), ==, VIRTIO_GPU_RESP_OK_NODATA);
  s = display_get_surface (f->display, 1);
  g_assert_nonnull (s);
  g_assert_cmpuint (s->width, ==, 1280);
  display_surface_unref (s);
  g_assert_cmpuint (set_scanout (f, 1, 0, 0, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_null (display_get_surface (f->display, 1));
}

static void
test_cursor (struct fixture *f, gconstpointer data)
{
  g_autofree uint8_t *image = g_malloc0 (64 * 64 * 4);
  struct virtio_gpu_mem_entry e[64];
  uint32_t n = scatter (e, G_N_ELEMENTS (e), 64 * 64 * 4), used = 1;
  struct virtio_gpu_update_cursor c = {
    .hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR,
    .pos = { .scanout_id = 0, .x = 100, .y = 200 },
    .resource_id = 5, .hot_x = 3, .hot_y = 4,
  };
  g_autofree struct display_cursor *dc = g_new0 (struct display_cursor, 1);

  /* R8G8B8A8: pixel (2, 1) half-transparent red. */
  memcpy (image + (1 * 64 + 2) * 4, (uint8_t[]) { 0xff, 0, 0, 0x80 }, 4);
  scatter_write (f, e, n, image);
  g_assert_cmpuint (create_2d (f, 5, VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 64, 64), ==,
                    VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (attach (f, 5, e, n), ==, VIRTIO_GPU_RESP_OK_NODATA);
  g_assert_cmpuint (transfer (f, 5, 0, 0, 64, 64, 0), ==, VIRTIO_GPU_RESP_OK_NODATA);

  /* As Linux sends it: no response buffer. */
  send_full (f, 1, &c, sizeof c, NULL, 0, 0, &used);
  g_assert_cmpuint (used, ==, 0);
  display_get_cursor (f->display, 0, dc);
  g_assert_cmpuint (dc->width, ==, 64);
  g_assert_cmpuint (dc->hot_x, ==, 3);
  g_assert_cmpuint (dc->hot_y, ==, 4);
  g_assert_cmpint (dc->x, ==, 100);
  g_assert_true (dc->visible);
  g_assert_cmphex (dc->pixels[1 * 64 + 2], ==, 0x80ff0000);
  g_assert_cmphex (dc->pixels[0], ==, 0);

  c.hdr.type = VIRTIO_GPU_CMD_MOVE_CURSOR;
  c.pos.x = 7;
  c.pos.y = (uint32_t) -3;
  send_full (f, 1, &c, sizeof c, NULL, 0, 0, NULL);
  display_get_cursor (f->display, 0, dc);
  g_assert_cmpint (dc->x, ==, 7);
  g_assert_cmpint (dc->y, ==, -3);
  g_assert_true (dc->visible);

  /* Errors answer when there is room for an answer. */
  c.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
  c.resource_id = 77;
  g_assert_cmpuint (send_full (f, 1, &c, sizeof c, NULL, 0, 24, NULL)->type, ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID);
  c.pos.scanout_id = 9;
  g_assert_cmpuint (send_full (f, 1, &c, sizeof c, NULL, 0, 24, NULL)->type, ==,
                    VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID);
  /* Control commands do not belong on the cursor queue. */
  c.hdr.type = VIRTIO_GPU_CMD_GET_DISPLAY_INFO;
  g_assert_cmpuint (send_full (f, 1, &c, sizeof c, NULL, 0, 24, NULL)->type, ==,
                    VIRTIO_GPU_RESP_ERR_UNSPEC);

  /* Resource 0 hides it. */
  c.hdr.type = VIRTIO_GPU_CMD_UPDATE_CURSOR;
  c.pos.scanout_id = 0;
  c.resource_id = 0;
  send_full (f, 1, &c, sizeof c, NULL, 0, 0, NULL);
  display_get_cursor (f->display, 0, dc);
  g_assert_false (dc->visible);
  g_assert_true (virtio_device_is_live (f->vdev));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn, setup) \
  g_test_add ("/Vmm/virtio-gpu/" path, struct fixture, NULL, setup, fn, fixture_teardown)
  ADD ("display-info", test_display_info, fixture_setup);
  ADD ("edid", test_edid, fixture_setup);
  ADD ("formats", test_formats, fixture_setup);
  ADD ("resize", test_resize, fixture_setup);
  ADD ("cursor", test_cursor, fixture_setup);
#undef ADD
  return g_test_run ();
}
