/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>
#include <linux/virtio_gpu.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "display/display.h"
#include "virtio/gpu/virtio-gpu.h"
#include "virtio/virtio.h"

/* Shared by the device's files; not for other layers. */

#define VIRTIO_GPU_CONTROLQ 0
#define VIRTIO_GPU_CURSORQ  1

#define VIRTIO_GPU_MAX_BACKING_ENTRIES 16384u
/* Host bytes charged per resource on top of its pixels, so that many tiny
 * resources still hit the cap. */
#define VIRTIO_GPU_RESOURCE_OVERHEAD 256u
/* The smallest size a viewer may ask for. */
#define VIRTIO_GPU_MIN_WIDTH  320
#define VIRTIO_GPU_MIN_HEIGHT 200

struct virtio_gpu_resource {
  struct virtio_gpu *gpu;      /* for the table's destroy notify */
  uint32_t id;
  uint32_t format;             /* VIRTIO_GPU_FORMAT_* */
  uint32_t width, height;
  uint8_t *data;               /* width * 4 bytes per row */
  uint64_t charged;            /* against the device's memory cap */

  /* Guest pages from ATTACH_BACKING, resolved to host pointers once (RAM is
   * never remapped while the device lives). */
  struct iovec *backing;
  unsigned n_backing;
  uint64_t backing_len;
};

struct virtio_gpu_scanout {
  /* Worker thread only. */
  uint32_t resource_id;        /* 0: none (the surface keeps what it showed) */
  uint32_t src_x, src_y;       /* the shown rectangle of the resource */
  struct display_surface *surface;
  bool cursor_shown;           /* an image is set */

  /* Under gpu->lock: the size viewers want, given to the guest. */
  bool want_enabled;
  uint32_t want_width, want_height;
};

struct virtio_gpu {
  struct virtio_device vdev;
  struct display *display;
  unsigned n_scanouts;

  /* Worker thread only. */
  GHashTable *resources;       /* id -> struct virtio_gpu_resource */
  uint64_t memory_cap, memory_used;

  struct virtio_gpu_scanout scanouts[DISPLAY_MAX_SCANOUTS];

  /* Guards events_read and the wanted sizes: viewers change them from any
   * thread. Taken inside vdev.lock (config writes), never around it. */
  pthread_mutex_t lock;
  uint32_t events_read;
};

/* commands.c: one request from either queue. Returns the bytes written into
 * the driver's buffers, or -EIO when the request cannot even carry a
 * response on the control queue (the device must then stop). */
int64_t virtio_gpu_handle (struct virtio_gpu *gpu, unsigned q, struct virtqueue_elem *elem);

/* resources.c */
struct virtio_gpu_resource *virtio_gpu_resource_find (struct virtio_gpu *gpu, uint32_t id);
uint32_t virtio_gpu_resource_create (struct virtio_gpu *gpu,
                                     const struct virtio_gpu_resource_create_2d *req);
uint32_t virtio_gpu_resource_unref (struct virtio_gpu *gpu, uint32_t id);
void virtio_gpu_resource_free (struct virtio_gpu *gpu, struct virtio_gpu_resource *res);
uint32_t virtio_gpu_resource_attach (struct virtio_gpu *gpu,
                                     const struct virtio_gpu_resource_attach_backing *req,
                                     const struct virtio_gpu_mem_entry *entries);
uint32_t virtio_gpu_resource_detach (struct virtio_gpu *gpu, uint32_t id);
uint32_t virtio_gpu_transfer_to_host (struct virtio_gpu *gpu,
                                      const struct virtio_gpu_transfer_to_host_2d *req);
/* Whether @r (x, y, width, height) lies inside @res, overflow-safe. */
bool virtio_gpu_rect_in_resource (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y,
                                  uint32_t width, uint32_t height);

/* convert.c */
bool virtio_gpu_format_supported (uint32_t format);
/* Copies @width x @height pixels at (@x, @y) of @res to @dst as XRGB8888. */
void virtio_gpu_convert_to_xrgb (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y,
                                 uint32_t width, uint32_t height, uint8_t *dst,
                                 uint32_t dst_stride);
/* The pixel at (@x, @y) of @res as ARGB8888 (opaque when the format has no alpha). */
uint32_t virtio_gpu_pixel_argb (const struct virtio_gpu_resource *res, uint32_t x, uint32_t y);

/* scanout.c */
uint32_t virtio_gpu_set_scanout (struct virtio_gpu *gpu, const struct virtio_gpu_set_scanout *req);
uint32_t virtio_gpu_flush (struct virtio_gpu *gpu, const struct virtio_gpu_resource_flush *req);
/* Drops whatever scanouts show @id (the surfaces keep their last picture). */
void virtio_gpu_scanouts_forget (struct virtio_gpu *gpu, uint32_t id);
/* cursor.c: UPDATE_CURSOR, or MOVE_CURSOR when @move_only. */
uint32_t virtio_gpu_cursor (struct virtio_gpu *gpu, const struct virtio_gpu_update_cursor *req,
                            bool move_only);
void virtio_gpu_display_info (struct virtio_gpu *gpu, struct virtio_gpu_resp_display_info *resp);
