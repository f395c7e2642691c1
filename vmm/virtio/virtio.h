/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "memory/guest-memory.h"
#include "virtio/virtqueue.h"

/*
 * A virtio device as devices see it, independent of the transport: queues,
 * features, status. The transport (virtio-pci) owns the driver-facing
 * registers and calls the device ops; the device calls back through
 * virtio_device_notify_queue() and virtio_device_set_broken().
 *
 * Threads: queue_notify runs on the transport's worker thread only (or the
 * caller's thread in tests); status and queue set-up change under @lock, and
 * a queue's set-up never changes while it is ready.
 */

#define VIRTIO_STATUS_ACKNOWLEDGE 0x01
#define VIRTIO_STATUS_DRIVER      0x02
#define VIRTIO_STATUS_DRIVER_OK   0x04
#define VIRTIO_STATUS_FEATURES_OK 0x08
#define VIRTIO_STATUS_NEEDS_RESET 0x40
#define VIRTIO_STATUS_FAILED      0x80

#define VIRTIO_NO_VECTOR 0xffff

struct virtio_device;

struct virtio_device_ops {
  uint16_t device_id;          /* VIRTIO_ID_BLOCK, ... */
  unsigned num_queues;
  uint16_t queue_max_size;
  /* Reads and writes of the device-specific config; offset + size checked
   * against config_size by the caller. May be NULL. */
  unsigned config_size;
  void (*config_read) (struct virtio_device *vdev, unsigned offset, void *data, unsigned size);
  void (*config_write) (struct virtio_device *vdev, unsigned offset, const void *data,
                        unsigned size);
  /* The driver kicked queue @q (worker thread; the device is live). */
  void (*queue_notify) (struct virtio_device *vdev, unsigned q);
  /* Device reset: drop per-driver state (worker stopped or idle). May be NULL. */
  void (*reset) (struct virtio_device *vdev);
};

struct virtio_transport_ops {
  /* Used buffers on queue @q (an interrupt); any thread. */
  void (*notify_queue) (void *opaque, unsigned q);
  /* Config change, including NEEDS_RESET; any thread. */
  void (*notify_config) (void *opaque);
  /* Runs queue_notify for @q where the driver's kicks run it (the worker),
   * for work that arrives from the host side; any thread. */
  void (*kick_queue) (void *opaque, unsigned q);
};

struct virtio_device {
  const char *name;
  const struct virtio_device_ops *ops;
  void *opaque;                      /* the device's own state */
  const struct guest_memory *mem;

  pthread_mutex_t lock;
  uint64_t host_features;            /* offered; VERSION_1 etc. added by init */
  uint64_t guest_features;           /* accepted by the driver */
  atomic_uint status;
  atomic_uint config_generation;
  struct virtqueue *queues;          /* ops->num_queues */

  const struct virtio_transport_ops *transport;
  void *transport_opaque;
};

/* @features: the device-specific feature bits; the generic ones (VERSION_1,
 * EVENT_IDX, INDIRECT_DESC) are added here. */
void virtio_device_init (struct virtio_device *vdev, const char *name,
                         const struct virtio_device_ops *ops, void *opaque,
                         const struct guest_memory *mem, uint64_t features);
void virtio_device_destroy (struct virtio_device *vdev);

/* Called by the transport. */
void virtio_device_set_transport (struct virtio_device *vdev,
                                  const struct virtio_transport_ops *ops, void *opaque);
void virtio_device_reset (struct virtio_device *vdev);

static inline bool
virtio_device_has_feature (const struct virtio_device *vdev, unsigned bit)
{
  return (vdev->guest_features >> bit) & 1;
}

/* Whether queue work should go on: DRIVER_OK and not broken. */
bool virtio_device_is_live (const struct virtio_device *vdev);

/* After pushing used buffers on @q: interrupts the driver if it asked. */
void virtio_device_notify_queue (struct virtio_device *vdev, unsigned q);

/* Host-side work for queue @q (frames to receive, say): the transport runs
 * queue_notify(@q) on its worker. Without a transport that can, it runs here
 * (unit tests). Any thread. */
void virtio_device_kick_queue (struct virtio_device *vdev, unsigned q);

/* The device's config changed (a new generation): a config interrupt. */
void virtio_device_notify_config (struct virtio_device *vdev);

/* The guest broke the rules: NEEDS_RESET, a config interrupt, no more work. */
void virtio_device_set_broken (struct virtio_device *vdev);
