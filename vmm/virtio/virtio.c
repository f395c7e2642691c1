/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio"

#include "config.h"

#include "virtio.h"

#include <glib.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "log.h"

void
virtio_device_init (struct virtio_device *vdev, const char *name,
                    const struct virtio_device_ops *ops, void *opaque,
                    const struct guest_memory *mem, uint64_t features)
{
  memset (vdev, 0, sizeof *vdev);
  vdev->name = name;
  vdev->ops = ops;
  vdev->opaque = opaque;
  vdev->mem = mem;
  vdev->host_features = features | (1ull << VIRTIO_F_VERSION_1) |
                        (1ull << VIRTIO_RING_F_EVENT_IDX) |
                        (1ull << VIRTIO_RING_F_INDIRECT_DESC);
  pthread_mutex_init (&vdev->lock, NULL);
  vdev->queues = g_new0 (struct virtqueue, ops->num_queues);
  for (unsigned i = 0; i < ops->num_queues; i++)
    virtqueue_init (&vdev->queues[i], mem, ops->queue_max_size);
}

void
virtio_device_destroy (struct virtio_device *vdev)
{
  if (!vdev->queues)
    return;
  for (unsigned i = 0; i < vdev->ops->num_queues; i++)
    virtqueue_destroy (&vdev->queues[i]);
  g_clear_pointer (&vdev->queues, g_free);
  pthread_mutex_destroy (&vdev->lock);
}

void
virtio_device_set_transport (struct virtio_device *vdev, const struct virtio_transport_ops *ops,
                             void *opaque)
{
  vdev->transport = ops;
  vdev->transport_opaque = opaque;
}

void
virtio_device_reset (struct virtio_device *vdev)
{
  for (unsigned i = 0; i < vdev->ops->num_queues; i++)
    virtqueue_reset (&vdev->queues[i]);
  vdev->guest_features = 0;
  atomic_store (&vdev->status, 0);
  if (vdev->ops->reset)
    vdev->ops->reset (vdev);
}

bool
virtio_device_is_live (const struct virtio_device *vdev)
{
  unsigned status = atomic_load (&vdev->status);

  return (status & VIRTIO_STATUS_DRIVER_OK) &&
         !(status & (VIRTIO_STATUS_NEEDS_RESET | VIRTIO_STATUS_FAILED));
}

void
virtio_device_notify_queue (struct virtio_device *vdev, unsigned q)
{
  if (q >= vdev->ops->num_queues || !virtqueue_should_notify (&vdev->queues[q]))
    return;
  if (vdev->transport && vdev->transport->notify_queue)
    vdev->transport->notify_queue (vdev->transport_opaque, q);
}

void
virtio_device_kick_queue (struct virtio_device *vdev, unsigned q)
{
  if (q >= vdev->ops->num_queues)
    return;
  if (vdev->transport && vdev->transport->kick_queue)
    vdev->transport->kick_queue (vdev->transport_opaque, q);
  else if (virtio_device_is_live (vdev))
    vdev->ops->queue_notify (vdev, q);
}

void
virtio_device_notify_config (struct virtio_device *vdev)
{
  atomic_fetch_add (&vdev->config_generation, 1);
  if (vdev->transport && vdev->transport->notify_config)
    vdev->transport->notify_config (vdev->transport_opaque);
}

void
virtio_device_set_broken (struct virtio_device *vdev)
{
  unsigned old = atomic_fetch_or (&vdev->status, VIRTIO_STATUS_NEEDS_RESET);

  if (old & VIRTIO_STATUS_NEEDS_RESET)
    return;
  vmm_guest_error ("%s: device needs a reset; it stops until the driver resets it", vdev->name);
  atomic_fetch_add (&vdev->config_generation, 1);
  if (vdev->transport && vdev->transport->notify_config)
    vdev->transport->notify_config (vdev->transport_opaque);
}
