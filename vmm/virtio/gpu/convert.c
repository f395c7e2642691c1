/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include <string.h>

#include "gpu-internal.h"

/*
 * virtio-gpu format names give the byte order in memory (B8G8R8X8 is bytes
 * B, G, R, X: DRM's XRGB8888), so each format is where its channels sit in
 * a 4-byte pixel. Converting here keeps every display consumer on one format.
 */

#define NO_ALPHA 0xff

struct virtio_gpu_format {
  uint32_t format;
  uint8_t r, g, b, a;
};

static const struct virtio_gpu_format virtio_gpu_formats[] = {
  { VIRTIO_GPU_FORMAT_B8G8R8A8_UNORM, 2, 1, 0, 3 },
  { VIRTIO_GPU_FORMAT_B8G8R8X8_UNORM, 2, 1, 0, NO_ALPHA },
  { VIRTIO_GPU_FORMAT_A8R8G8B8_UNORM, 1, 2, 3, 0 },
  { VIRTIO_GPU_FORMAT_X8R8G8B8_UNORM, 1, 2, 3, NO_ALPHA },
  { VIRTIO_GPU_FORMAT_R8G8B8A8_UNORM, 0, 1, 2, 3 },
  { VIRTIO_GPU_FORMAT_X8B8G8R8_UNORM, 3, 2, 1, NO_ALPHA },
  { VIRTIO_GPU_FORMAT_A8B8G8R8_UNORM, 3, 2, 1, 0 },
  { VIRTIO_GPU_FORMAT_R8G8B8X8_UNORM, 0, 1, 2, NO_ALPHA },
};

static const struct virtio_gpu_format *
virtio_gpu_format_lookup (uint32_t format)
{
  for (unsigned i = 0; i < G_N_ELEMENTS (virtio_gpu_formats); i++)
    if (virtio_gpu_formats[i].format == format)
      return &virtio_gpu_formats[i];
  return NULL;
}

bool
virtio_gpu_format_supported (uint32_t format)
{
  return virtio_gpu_format_lookup (format) != NULL;
}

void
virtio_gpu_convert_to_xrgb (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y,
                            uint32_t width, uint32_t height, uint8_t *dst, uint32_t dst_stride)
{
  const struct virtio_gpu_format *f = virtio_gpu_format_lookup (res->format);
  size_t src_stride = (size_t) res->width * 4;

  if (!f)
    return;
  for (uint32_t row = 0; row < height; row++)
    {
      const uint8_t *s = res->data + (size_t) (y + row) * src_stride + (size_t) x * 4;
      uint8_t *d = dst + (size_t) row * dst_stride;

      if (f->b == 0 && f->g == 1 && f->r == 2)
        {
          /* Already the surface's layout; X is never read by consumers. */
          memcpy (d, s, (size_t) width * 4);
          continue;
        }
      for (uint32_t i = 0; i < width; i++, s += 4, d += 4)
        {
          d[0] = s[f->b];
          d[1] = s[f->g];
          d[2] = s[f->r];
          d[3] = 0xff;
        }
    }
}

uint32_t
virtio_gpu_pixel_argb (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y)
{
  const struct virtio_gpu_format *f = virtio_gpu_format_lookup (res->format);
  const uint8_t *s;

  if (!f)
    return 0;
  s = res->data + ((size_t) y * res->width + x) * 4;
  return (uint32_t) (f->a == NO_ALPHA ? 0xff : s[f->a]) << 24 | (uint32_t) s[f->r] << 16 |
         (uint32_t) s[f->g] << 8 | s[f->b];
}
