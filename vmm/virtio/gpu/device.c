/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-gpu"

#include "config.h"

#include <linux/virtio_ids.h>
#include <string.h>

#include "gpu-internal.h"
#include "log.h"

/* The device around the commands: config space, queues, reset, and the size
 * wishes viewers send through the display. */

#ifndef VIRTIO_ID_GPU
#define VIRTIO_ID_GPU 16
#endif

static void
virtio_gpu_config_read (struct virtio_device *vdev, unsigned offset, void *data, unsigned size)
{
  struct virtio_gpu *gpu = vdev->opaque;
  struct virtio_gpu_config config = { 0 };

  pthread_mutex_lock (&gpu->lock);
  config.events_read = GUINT32_TO_LE (gpu->events_read);
  pthread_mutex_unlock (&gpu->lock);
  config.num_scanouts = GUINT32_TO_LE (gpu->n_scanouts);
  config.num_capsets = 0;
  memcpy (data, (const uint8_t *) &config + offset, size);
}

static void
virtio_gpu_config_write (struct virtio_device *vdev, unsigned offset, const void *data,
                         unsigned size)
{
  struct virtio_gpu *gpu = vdev->opaque;
  struct virtio_gpu_config config = { 0 };

  /* Only events_clear is writable; a partial write clears the bits it covers. */
  memcpy ((uint8_t *) &config + offset, data, size);
  pthread_mutex_lock (&gpu->lock);
  gpu->events_read &= ~GUINT32_FROM_LE (config.events_clear);
  pthread_mutex_unlock (&gpu->lock);
}

static void
virtio_gpu_queue_notify (struct virtio_device *vdev, unsigned q)
{
  struct virtio_gpu *gpu = vdev->opaque;
  struct virtqueue *vq = &vdev->queues[q];
  struct virtqueue_elem elem;
  int ret = 0;

  do
    {
      while (virtio_device_is_live (vdev) && (ret = virtqueue_pop (vq, &elem)) > 0)
        {
          int64_t written = virtio_gpu_handle (gpu, q, &elem);

          if (written < 0)
            {
              virtio_device_set_broken (vdev);
              return;
            }
          virtqueue_push (vq, &elem, (uint32_t) written);
        }
      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          return;
        }
      virtio_device_notify_queue (vdev, q);
    }
  while (virtio_device_is_live (vdev) && virtqueue_enable_notify (vq));
}

static void
virtio_gpu_reset (struct virtio_device *vdev)
{
  struct virtio_gpu *gpu = vdev->opaque;

  g_hash_table_remove_all (gpu->resources);
  /* The surfaces keep the last picture until the driver sets a mode again. */
  for (unsigned n = 0; n < gpu->n_scanouts; n++)
    {
      gpu->scanouts[n].resource_id = 0;
      if (gpu->scanouts[n].cursor_shown)
        {
          gpu->scanouts[n].cursor_shown = false;
          display_move_cursor (gpu->display, n, 0, 0, false);
        }
    }
  pthread_mutex_lock (&gpu->lock);
  gpu->events_read = 0;
  pthread_mutex_unlock (&gpu->lock);
}

static const struct virtio_device_ops virtio_gpu_ops = {
  .device_id = VIRTIO_ID_GPU,
  .num_queues = 2,
  .queue_max_size = VIRTIO_GPU_QUEUE_SIZE,
  .config_size = sizeof (struct virtio_gpu_config),
  .config_read = virtio_gpu_config_read,
  .config_write = virtio_gpu_config_write,
  .queue_notify = virtio_gpu_queue_notify,
  .reset = virtio_gpu_reset,
};

/* A viewer's wish (any thread): the guest learns it from GET_DISPLAY_INFO
 * after the display event, and shows it with its next SET_SCANOUT. */
static void
virtio_gpu_request_size (void *opaque, unsigned scanout, uint32_t width, uint32_t height)
{
  struct virtio_gpu *gpu = opaque;
  struct virtio_gpu_scanout *s;
  bool enabled = width && height;

  if (scanout >= gpu->n_scanouts)
    return;
  if (enabled)
    {
      width = CLAMP (width, VIRTIO_GPU_MIN_WIDTH, DISPLAY_MAX_WIDTH);
      height = CLAMP (height, VIRTIO_GPU_MIN_HEIGHT, DISPLAY_MAX_HEIGHT);
    }
  s = &gpu->scanouts[scanout];
  pthread_mutex_lock (&gpu->lock);
  if (s->want_enabled == enabled && (!enabled || (s->want_width == width &&
                                                  s->want_height == height)))
    {
      pthread_mutex_unlock (&gpu->lock);
      return;
    }
  s->want_enabled = enabled;
  if (enabled)
    {
      s->want_width = width;
      s->want_height = height;
    }
  gpu->events_read |= VIRTIO_GPU_EVENT_DISPLAY;
  pthread_mutex_unlock (&gpu->lock);

  /* Before DRIVER_OK the driver reads the display info anyway. */
  if (atomic_load (&gpu->vdev.status) & VIRTIO_STATUS_DRIVER_OK)
    virtio_device_notify_config (&gpu->vdev);
}

static const struct display_producer_ops virtio_gpu_producer_ops = {
  .request_size = virtio_gpu_request_size,
};

static void
virtio_gpu_resource_destroy_notify (void *data)
{
  struct virtio_gpu_resource *res = data;

  virtio_gpu_resource_free (res->gpu, res);
}

struct virtio_gpu *
virtio_gpu_new (const struct guest_memory *mem, struct display *display, unsigned n_scanouts,
                uint64_t resource_memory_cap)
{
  struct virtio_gpu *gpu;

  if (n_scanouts == 0 || n_scanouts > DISPLAY_MAX_SCANOUTS ||
      n_scanouts > display_get_n_scanouts (display))
    {
      vmm_error ("virtio-gpu: %u scanouts: not within 1..%u", n_scanouts,
                 MIN (DISPLAY_MAX_SCANOUTS, display_get_n_scanouts (display)));
      return NULL;
    }

  gpu = g_new0 (struct virtio_gpu, 1);
  gpu->display = display;
  gpu->n_scanouts = n_scanouts;
  gpu->memory_cap = resource_memory_cap ? resource_memory_cap : VIRTIO_GPU_DEFAULT_MEMORY_CAP;
  gpu->resources = g_hash_table_new_full (NULL, NULL, NULL, virtio_gpu_resource_destroy_notify);
  pthread_mutex_init (&gpu->lock, NULL);
  gpu->scanouts[0].want_enabled = true;
  gpu->scanouts[0].want_width = VIRTIO_GPU_DEFAULT_WIDTH;
  gpu->scanouts[0].want_height = VIRTIO_GPU_DEFAULT_HEIGHT;

  virtio_device_init (&gpu->vdev, "virtio-gpu", &virtio_gpu_ops, gpu, mem,
                      1ull << VIRTIO_GPU_F_EDID);
  display_set_producer (display, &virtio_gpu_producer_ops, gpu);
  return gpu;
}

void
virtio_gpu_destroy (struct virtio_gpu *gpu)
{
  if (!gpu)
    return;
  display_set_producer (gpu->display, NULL, NULL);
  virtio_device_destroy (&gpu->vdev);
  g_hash_table_destroy (gpu->resources);
  for (unsigned n = 0; n < gpu->n_scanouts; n++)
    g_clear_pointer (&gpu->scanouts[n].surface, display_surface_unref);
  pthread_mutex_destroy (&gpu->lock);
  g_free (gpu);
}

struct virtio_device *
virtio_gpu_get_device (struct virtio_gpu *gpu)
{
  return &gpu->vdev;
}
