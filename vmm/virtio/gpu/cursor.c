/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include "gpu-internal.h"
#include "log.h"

/* The cursor queue: the image is copied out of a resource's host storage
 * (the guest transfers it there first, as Linux does), so the resource may
 * change or go away afterwards. */

uint32_t
virtio_gpu_cursor (struct virtio_gpu *gpu, const struct virtio_gpu_update_cursor *req,
                   bool move_only)
{
  uint32_t n = GUINT32_FROM_LE (req->pos.scanout_id);
  int32_t x = (int32_t) GUINT32_FROM_LE (req->pos.x);
  int32_t y = (int32_t) GUINT32_FROM_LE (req->pos.y);
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  struct virtio_gpu_scanout *s;
  struct virtio_gpu_resource *res;
  struct display_cursor *c;

  if (n >= gpu->n_scanouts)
    {
      vmm_guest_error ("%s: cursor on scanout %u of %u", gpu->vdev.name, n, gpu->n_scanouts);
      return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
  s = &gpu->scanouts[n];
  if (move_only)
    {
      display_move_cursor (gpu->display, n, x, y, s->cursor_shown);
      return VIRTIO_GPU_RESP_OK_NODATA;
    }

  res = virtio_gpu_resource_find (gpu, id);
  if (id != 0 && !res)
    {
      vmm_guest_error ("%s: cursor from unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (res && (res->width > DISPLAY_CURSOR_MAX || res->height > DISPLAY_CURSOR_MAX))
    {
      vmm_guest_error ("%s: cursor resource %u is %ux%u, over %ux%u", gpu->vdev.name, id,
                       res->width, res->height, DISPLAY_CURSOR_MAX, DISPLAY_CURSOR_MAX);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }

  /* Rows packed (stride = width). struct display_cursor is 16 KiB: not for
   * the worker's stack. */
  c = g_new0 (struct display_cursor, 1);
  c->x = x;
  c->y = y;
  if (res)
    {
      c->width = res->width;
      c->height = res->height;
      c->hot_x = MIN (GUINT32_FROM_LE (req->hot_x), res->width - 1);
      c->hot_y = MIN (GUINT32_FROM_LE (req->hot_y), res->height - 1);
      c->visible = true;
      for (uint32_t row = 0; row < res->height; row++)
        for (uint32_t col = 0; col < res->width; col++)
          c->pixels[row * res->width + col] = virtio_gpu_pixel_argb (res, col, row);
    }
  s->cursor_shown = c->visible;
  display_set_cursor (gpu->display, n, c);
  g_free (c);
  return VIRTIO_GPU_RESP_OK_NODATA;
}
