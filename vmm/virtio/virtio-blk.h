/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "disk/disk.h"
#include "memory/guest-memory.h"
#include "virtio/virtio.h"

/* virtio-blk (device id 2) on a disk back end; one request queue. */

#define VIRTIO_BLK_QUEUE_SIZE 256
#define VIRTIO_BLK_SERIAL_LEN 20

struct virtio_blk;

/* Takes ownership of @disk (closed by virtio_blk_destroy). @serial (may be
 * NULL) is what GET_ID returns, cut to 20 bytes. */
struct virtio_blk *virtio_blk_new (const struct guest_memory *mem, struct disk *disk,
                                   const char *serial);
void virtio_blk_destroy (struct virtio_blk *blk);

/* What the transport drives. */
struct virtio_device *virtio_blk_get_device (struct virtio_blk *blk);
