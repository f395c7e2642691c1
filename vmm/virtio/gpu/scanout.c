/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include "gpu-internal.h"
#include "log.h"

/* Scanouts: which resource each shows, and its pixels copied into the
 * display's surface on SET_SCANOUT and RESOURCE_FLUSH. */

void
virtio_gpu_display_info (struct virtio_gpu *gpu, struct virtio_gpu_resp_display_info *resp)
{
  pthread_mutex_lock (&gpu->lock);
  for (unsigned i = 0; i < gpu->n_scanouts; i++)
    {
      const struct virtio_gpu_scanout *s = &gpu->scanouts[i];

      if (!s->want_enabled)
        continue;
      resp->pmodes[i].enabled = GUINT32_TO_LE (1);
      resp->pmodes[i].r.width = GUINT32_TO_LE (s->want_width);
      resp->pmodes[i].r.height = GUINT32_TO_LE (s->want_height);
    }
  pthread_mutex_unlock (&gpu->lock);
}

/* Converts @res's pixels in (x, y, w, h), resource coordinates inside what
 * @s shows, into the surface and reports the damage. */
static void
virtio_gpu_scanout_update (struct virtio_gpu *gpu, unsigned n,
                           const struct virtio_gpu_resource *res, uint32_t x, uint32_t y,
                           uint32_t w, uint32_t h)
{
  struct virtio_gpu_scanout *s = &gpu->scanouts[n];
  struct display_surface *surf = s->surface;
  uint64_t x0 = MAX (x, s->src_x), y0 = MAX (y, s->src_y);
  uint64_t x1 = MIN ((uint64_t) x + w, (uint64_t) s->src_x + surf->width);
  uint64_t y1 = MIN ((uint64_t) y + h, (uint64_t) s->src_y + surf->height);
  struct display_rect damage;

  if (x0 >= x1 || y0 >= y1)
    return;
  damage.x = (int32_t) (x0 - s->src_x);
  damage.y = (int32_t) (y0 - s->src_y);
  damage.width = (uint32_t) (x1 - x0);
  damage.height = (uint32_t) (y1 - y0);
  virtio_gpu_convert_to_xrgb (res, (uint32_t) x0, (uint32_t) y0, damage.width, damage.height,
                              surf->data + (uint64_t) damage.y * surf->stride +
                                (uint64_t) damage.x * DISPLAY_BYTES_PER_PIXEL,
                              surf->stride);
  display_damage (gpu->display, n, &damage);
}

static void
virtio_gpu_scanout_disable (struct virtio_gpu *gpu, unsigned n)
{
  struct virtio_gpu_scanout *s = &gpu->scanouts[n];

  s->resource_id = 0;
  g_clear_pointer (&s->surface, display_surface_unref);
  display_set_mode (gpu->display, n, 0, 0);
}

uint32_t
virtio_gpu_set_scanout (struct virtio_gpu *gpu, const struct virtio_gpu_set_scanout *req)
{
  uint32_t n = GUINT32_FROM_LE (req->scanout_id);
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  uint32_t x = GUINT32_FROM_LE (req->r.x), y = GUINT32_FROM_LE (req->r.y);
  uint32_t w = GUINT32_FROM_LE (req->r.width), h = GUINT32_FROM_LE (req->r.height);
  struct virtio_gpu_resource *res;
  struct virtio_gpu_scanout *s;

  if (n >= gpu->n_scanouts)
    {
      vmm_guest_error ("%s: set-scanout on scanout %u of %u", gpu->vdev.name, n,
                       gpu->n_scanouts);
      return VIRTIO_GPU_RESP_ERR_INVALID_SCANOUT_ID;
    }
  s = &gpu->scanouts[n];
  if (id == 0)
    {
      virtio_gpu_scanout_disable (gpu, n);
      return VIRTIO_GPU_RESP_OK_NODATA;
    }
  res = virtio_gpu_resource_find (gpu, id);
  if (!res)
    {
      vmm_guest_error ("%s: set-scanout with unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (w == 0 || h == 0 || w > DISPLAY_MAX_WIDTH || h > DISPLAY_MAX_HEIGHT ||
      !virtio_gpu_rect_in_resource (res, x, y, w, h))
    {
      vmm_guest_error ("%s: set-scanout rectangle %ux%u+%u+%u outside resource %u",
                       gpu->vdev.name, w, h, x, y, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }

  if (!s->surface || s->surface->width != w || s->surface->height != h)
    {
      g_clear_pointer (&s->surface, display_surface_unref);
      s->resource_id = 0;
      s->surface = display_set_mode (gpu->display, n, w, h);
      if (!s->surface)
        return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  s->resource_id = id;
  s->src_x = x;
  s->src_y = y;
  /* The guest may flush only what changes from now on: show it all once. */
  virtio_gpu_scanout_update (gpu, n, res, x, y, w, h);
  return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
virtio_gpu_flush (struct virtio_gpu *gpu, const struct virtio_gpu_resource_flush *req)
{
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  uint32_t x = GUINT32_FROM_LE (req->r.x), y = GUINT32_FROM_LE (req->r.y);
  uint32_t w = GUINT32_FROM_LE (req->r.width), h = GUINT32_FROM_LE (req->r.height);
  struct virtio_gpu_resource *res = virtio_gpu_resource_find (gpu, id);

  if (!res)
    {
      vmm_guest_error ("%s: flush of unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (!virtio_gpu_rect_in_resource (res, x, y, w, h))
    {
      vmm_guest_error ("%s: flush rectangle outside resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
  for (unsigned n = 0; n < gpu->n_scanouts; n++)
    if (gpu->scanouts[n].resource_id == id && gpu->scanouts[n].surface)
      virtio_gpu_scanout_update (gpu, n, res, x, y, w, h);
  return VIRTIO_GPU_RESP_OK_NODATA;
}

void
virtio_gpu_scanouts_forget (struct virtio_gpu *gpu, uint32_t id)
{
  for (unsigned n = 0; n < gpu->n_scanouts; n++)
    if (gpu->scanouts[n].resource_id == id)
      gpu->scanouts[n].resource_id = 0;
}
