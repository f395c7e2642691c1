/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include <string.h>

#include "gpu-internal.h"
#include "log.h"

/* Resources: host copies of the guest's 2D images, their guest backing pages,
 * and the transfers between the two. Every size and offset is the guest's,
 * so all arithmetic is 64-bit with the products checked. */

struct virtio_gpu_resource *
virtio_gpu_resource_find (struct virtio_gpu *gpu, uint32_t id)
{
  return id ? g_hash_table_lookup (gpu->resources, GUINT_TO_POINTER (id)) : NULL;
}

bool
virtio_gpu_rect_in_resource (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y,
                             uint32_t width, uint32_t height)
{
  return (uint64_t) x + width <= res->width && (uint64_t) y + height <= res->height;
}

static void
virtio_gpu_backing_clear (struct virtio_gpu *gpu, struct virtio_gpu_resource *res)
{
  if (!res->backing)
    return;
  gpu->memory_used -= (uint64_t) res->n_backing * sizeof *res->backing;
  g_clear_pointer (&res->backing, g_free);
  res->n_backing = 0;
  res->backing_len = 0;
}

void
virtio_gpu_resource_free (struct virtio_gpu *gpu, struct virtio_gpu_resource *res)
{
  virtio_gpu_backing_clear (gpu, res);
  gpu->memory_used -= res->charged;
  g_free (res->data);
  g_free (res);
}

uint32_t
virtio_gpu_resource_create (struct virtio_gpu *gpu,
                            const struct virtio_gpu_resource_create_2d *req)
{
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  uint32_t format = GUINT32_FROM_LE (req->format);
  uint32_t width = GUINT32_FROM_LE (req->width);
  uint32_t height = GUINT32_FROM_LE (req->height);
  struct virtio_gpu_resource *res;
  uint64_t bytes, charge;

  if (id == 0 || virtio_gpu_resource_find (gpu, id))
    {
      vmm_guest_error ("%s: create of resource %u, which is 0 or exists", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (!virtio_gpu_format_supported (format) || width == 0 || height == 0)
    {
      vmm_guest_error ("%s: resource %u: format %u, %ux%u unsupported", gpu->vdev.name, id,
                       format, width, height);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
  if (__builtin_mul_overflow ((uint64_t) width, (uint64_t) height, &bytes) ||
      __builtin_mul_overflow (bytes, (uint64_t) 4, &bytes) ||
      __builtin_add_overflow (bytes, (uint64_t) VIRTIO_GPU_RESOURCE_OVERHEAD, &charge) ||
      charge > gpu->memory_cap - gpu->memory_used)
    {
      vmm_guest_error ("%s: resource %u (%ux%u) is over the memory cap", gpu->vdev.name, id,
                       width, height);
      return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }

  res = g_new0 (struct virtio_gpu_resource, 1);
  res->data = g_try_malloc0 (bytes);
  if (!res->data)
    {
      vmm_error ("%s: no host memory for a %ux%u resource", gpu->vdev.name, width, height);
      g_free (res);
      return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;
    }
  res->gpu = gpu;
  res->id = id;
  res->format = format;
  res->width = width;
  res->height = height;
  res->charged = charge;
  gpu->memory_used += charge;
  g_hash_table_insert (gpu->resources, GUINT_TO_POINTER (id), res);
  return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
virtio_gpu_resource_unref (struct virtio_gpu *gpu, uint32_t id)
{
  struct virtio_gpu_resource *res = virtio_gpu_resource_find (gpu, id);

  if (!res)
    {
      vmm_guest_error ("%s: unref of unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  /* The spec allows unref of a resource on a scanout: the scanout keeps
   * showing its last picture until the next SET_SCANOUT. */
  virtio_gpu_scanouts_forget (gpu, id);
  g_hash_table_remove (gpu->resources, GUINT_TO_POINTER (id));
  return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
virtio_gpu_resource_attach (struct virtio_gpu *gpu,
                            const struct virtio_gpu_resource_attach_backing *req,
                            const struct virtio_gpu_mem_entry *entries)
{
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  uint32_t n = GUINT32_FROM_LE (req->nr_entries);
  struct virtio_gpu_resource *res = virtio_gpu_resource_find (gpu, id);
  uint64_t charge = (uint64_t) n * sizeof (struct iovec), total = 0;
  struct iovec *iov;

  if (!res)
    {
      vmm_guest_error ("%s: attach to unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (res->backing)
    {
      vmm_guest_error ("%s: resource %u already has backing", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  /* The caller bounded n; the entry table counts against the cap too. */
  if (charge > gpu->memory_cap - gpu->memory_used)
    return VIRTIO_GPU_RESP_ERR_OUT_OF_MEMORY;

  iov = g_new (struct iovec, MAX (n, 1u));
  for (uint32_t i = 0; i < n; i++)
    {
      uint64_t addr = GUINT64_FROM_LE (entries[i].addr);
      uint32_t len = GUINT32_FROM_LE (entries[i].length);
      void *p = guest_memory_ptr (gpu->vdev.mem, addr, len);

      if (!p)
        {
          vmm_guest_error ("%s: resource %u: backing entry %u (0x%" G_GINT64_MODIFIER "x, %u "
                           "bytes) is not in RAM", gpu->vdev.name, id, i, addr, len);
          g_free (iov);
          return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
        }
      iov[i].iov_base = p;
      iov[i].iov_len = len;
      total += len;  /* at most 16384 * 4 GiB: no overflow */
    }
  res->backing = iov;
  res->n_backing = n;
  res->backing_len = total;
  gpu->memory_used += charge;
  return VIRTIO_GPU_RESP_OK_NODATA;
}

uint32_t
virtio_gpu_resource_detach (struct virtio_gpu *gpu, uint32_t id)
{
  struct virtio_gpu_resource *res = virtio_gpu_resource_find (gpu, id);

  if (!res)
    {
      vmm_guest_error ("%s: detach from unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (!res->backing)
    return VIRTIO_GPU_RESP_ERR_UNSPEC;
  virtio_gpu_backing_clear (gpu, res);
  return VIRTIO_GPU_RESP_OK_NODATA;
}

/* A forward-only position in a backing scatter list: transfers read rows at
 * increasing offsets, so each entry is visited once per transfer. */
struct backing_cursor {
  const struct iovec *iov;
  unsigned n, i;
  uint64_t start;  /* offset of entry i */
};

/* Copies @len bytes at backing offset @offset (>= any earlier one) to @dst;
 * the caller checked offset + len <= the backing's length. */
static void
backing_read (struct backing_cursor *c, uint64_t offset, uint8_t *dst, size_t len)
{
  while (c->i < c->n && offset >= c->start + c->iov[c->i].iov_len)
    c->start += c->iov[c->i++].iov_len;
  while (len && c->i < c->n)
    {
      uint64_t in = offset - c->start;
      size_t chunk = MIN (len, c->iov[c->i].iov_len - in);

      memcpy (dst, (const uint8_t *) c->iov[c->i].iov_base + in, chunk);
      dst += chunk;
      len -= chunk;
      offset += chunk;
      if (offset == c->start + c->iov[c->i].iov_len)
        c->start += c->iov[c->i++].iov_len;
    }
}

uint32_t
virtio_gpu_transfer_to_host (struct virtio_gpu *gpu,
                             const struct virtio_gpu_transfer_to_host_2d *req)
{
  uint32_t id = GUINT32_FROM_LE (req->resource_id);
  uint32_t x = GUINT32_FROM_LE (req->r.x), y = GUINT32_FROM_LE (req->r.y);
  uint32_t w = GUINT32_FROM_LE (req->r.width), h = GUINT32_FROM_LE (req->r.height);
  uint64_t offset = GUINT64_FROM_LE (req->offset);
  struct virtio_gpu_resource *res = virtio_gpu_resource_find (gpu, id);
  struct backing_cursor cursor;
  uint64_t stride, end;

  if (!res)
    {
      vmm_guest_error ("%s: transfer to unknown resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_RESOURCE_ID;
    }
  if (!res->backing)
    {
      vmm_guest_error ("%s: transfer to resource %u without backing", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_UNSPEC;
    }
  if (!virtio_gpu_rect_in_resource (res, x, y, w, h))
    {
      vmm_guest_error ("%s: transfer rectangle outside resource %u", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }
  if (w == 0 || h == 0)
    return VIRTIO_GPU_RESP_OK_NODATA;

  /* The guest's image has the resource's stride; @offset is where the
   * rectangle's first pixel is in it. Resource sizes are capped, so these
   * products fit; only the guest's offset can overflow. */
  stride = (uint64_t) res->width * 4;
  if (__builtin_add_overflow (offset, (uint64_t) (h - 1) * stride + (uint64_t) w * 4, &end) ||
      end > res->backing_len)
    {
      vmm_guest_error ("%s: transfer past the end of resource %u's backing", gpu->vdev.name, id);
      return VIRTIO_GPU_RESP_ERR_INVALID_PARAMETER;
    }

  cursor = (struct backing_cursor) { .iov = res->backing, .n = res->n_backing };
  for (uint32_t row = 0; row < h; row++)
    backing_read (&cursor, offset + row * stride,
                  res->data + (uint64_t) (y + row) * stride + (uint64_t) x * 4, (size_t) w * 4);
  return VIRTIO_GPU_RESP_OK_NODATA;
}
