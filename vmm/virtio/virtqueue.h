/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "memory/guest-memory.h"

/*
 * A split virtqueue (virtio 1.x) read from guest RAM. The guest owns the
 * rings and may rewrite them at any time, so every descriptor is copied once
 * and checked before use; any violation marks the queue broken and it stops.
 *
 * One thread (the device's worker) pops and pushes; configuration happens
 * while the queue is not ready, under the transport's lock.
 */

#define VIRTQUEUE_MAX_SIZE 32768u

struct vring_desc;
struct vring_avail;
struct vring_used;

struct virtqueue {
  const struct guest_memory *mem;
  uint16_t max_size;

  /* Set by the driver before enabling. */
  uint16_t size;
  uint64_t desc_gpa, avail_gpa, used_gpa;
  bool event_idx;       /* VIRTIO_F_EVENT_IDX negotiated */
  bool indirect;        /* VIRTIO_RING_F_INDIRECT_DESC negotiated */

  /* Valid while ready: host views of the rings, checked at enable. */
  bool ready;
  bool broken;
  struct vring_desc *desc;
  struct vring_avail *avail;
  struct vring_used *used;
  uint16_t last_avail_idx;
  uint16_t used_idx;
  uint16_t signalled_used;
  bool signalled_used_valid;
  bool unsignalled;     /* pushed since the last should_notify */

  /* Scratch for the element being processed (max_size entries). */
  struct iovec *iov;
};

/* A request: @out_num device-readable buffers, then @in_num writable ones,
 * all in @iov (which belongs to the queue: valid until the next pop). */
struct virtqueue_elem {
  uint16_t head;
  unsigned out_num;
  unsigned in_num;
  struct iovec *iov;
  uint64_t out_len;
  uint64_t in_len;
};

void virtqueue_init (struct virtqueue *vq, const struct guest_memory *mem, uint16_t max_size);
void virtqueue_destroy (struct virtqueue *vq);

/* Back to the state after init (device reset). */
void virtqueue_reset (struct virtqueue *vq);

/* Checks the driver's size and ring addresses and makes the queue ready.
 * -EINVAL (logged as a guest error) when they are unusable. */
int virtqueue_enable (struct virtqueue *vq);

/*
 * Takes the next available request. Returns 1 with @elem filled, 0 when the
 * ring is empty, -EIO when the guest broke the ring rules (logged; the queue
 * is then broken and the caller marks its device as needing a reset).
 */
int virtqueue_pop (struct virtqueue *vq, struct virtqueue_elem *elem);

/* Returns @elem to the driver with @written bytes put in its writable part. */
void virtqueue_push (struct virtqueue *vq, const struct virtqueue_elem *elem, uint32_t written);

/*
 * A reply spread over several requests (virtio-net's mergeable receive
 * buffers) is published at once: fill puts @elem in the used ring @n places
 * after the last published one, unseen by the driver until flush publishes
 * @count filled elements. Unpop gives the last @count popped requests back
 * instead (not yet filled; they are read and checked again at the next pop).
 */
void virtqueue_fill (struct virtqueue *vq, const struct virtqueue_elem *elem, uint32_t written,
                     unsigned n);
void virtqueue_flush (struct virtqueue *vq, unsigned count);
void virtqueue_unpop (struct virtqueue *vq, unsigned count);

/* After pushes: whether the driver wants an interrupt now. */
bool virtqueue_should_notify (struct virtqueue *vq);

/* Before sleeping: asks the driver to kick for new requests. Returns true when
 * requests arrived meanwhile, so the caller must pop again instead. */
bool virtqueue_enable_notify (struct virtqueue *vq);

/* Like enable_notify, for a device that found @have requests waiting and
 * needs more (several merged buffers for one frame): asks the driver to kick
 * once it posts beyond them. Returns true when more arrived meanwhile. */
bool virtqueue_notify_on_more (struct virtqueue *vq, unsigned have);

/* Copies between an iovec array and a flat buffer, from byte @skip on.
 * Return the number of bytes copied. */
size_t virtqueue_iov_to_buf (const struct iovec *iov, unsigned n, size_t skip, void *buf,
                             size_t len);
size_t virtqueue_iov_from_buf (const struct iovec *iov, unsigned n, size_t skip,
                               const void *buf, size_t len);
