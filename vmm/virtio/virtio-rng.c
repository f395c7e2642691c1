/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-rng"

#include "config.h"

#include "virtio-rng.h"

#include <errno.h>
#include <glib.h>
#include <linux/virtio_ids.h>
#include <sys/random.h>

#include "log.h"

#define VIRTIO_RNG_QUEUE_SIZE 64
/* Per request: a driver asking for megabytes gets what it asked in parts. */
#define VIRTIO_RNG_MAX_CHUNK  4096

struct virtio_rng {
  struct virtio_device vdev;
};

/* Fills up to VIRTIO_RNG_MAX_CHUNK bytes of the writable part. */
static uint32_t
virtio_rng_fill (const struct virtqueue_elem *elem)
{
  const struct iovec *in = elem->iov + elem->out_num;
  uint32_t done = 0;

  for (unsigned i = 0; i < elem->in_num && done < VIRTIO_RNG_MAX_CHUNK; i++)
    {
      size_t len = MIN (in[i].iov_len, VIRTIO_RNG_MAX_CHUNK - done);
      ssize_t got;

      do
        got = getrandom (in[i].iov_base, len, 0);
      while (got < 0 && errno == EINTR);
      if (got <= 0)
        break;
      done += got;
      if ((size_t) got < len)
        break;
    }
  return done;
}

static void
virtio_rng_queue_notify (struct virtio_device *vdev, unsigned q)
{
  struct virtqueue *vq = &vdev->queues[q];
  struct virtqueue_elem elem;
  int ret = 0;

  do
    {
      while (virtio_device_is_live (vdev) && (ret = virtqueue_pop (vq, &elem)) > 0)
        virtqueue_push (vq, &elem, virtio_rng_fill (&elem));
      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          return;
        }
      virtio_device_notify_queue (vdev, q);
    }
  while (virtio_device_is_live (vdev) && virtqueue_enable_notify (vq));
}

static const struct virtio_device_ops virtio_rng_ops = {
  .device_id = VIRTIO_ID_RNG,
  .num_queues = 1,
  .queue_max_size = VIRTIO_RNG_QUEUE_SIZE,
  .queue_notify = virtio_rng_queue_notify,
};

struct virtio_rng *
virtio_rng_new (const struct guest_memory *mem)
{
  struct virtio_rng *rng = g_new0 (struct virtio_rng, 1);

  virtio_device_init (&rng->vdev, "virtio-rng", &virtio_rng_ops, rng, mem, 0);
  return rng;
}

void
virtio_rng_destroy (struct virtio_rng *rng)
{
  if (!rng)
    return;
  virtio_device_destroy (&rng->vdev);
  g_free (rng);
}

struct virtio_device *
virtio_rng_get_device (struct virtio_rng *rng)
{
  return &rng->vdev;
}
