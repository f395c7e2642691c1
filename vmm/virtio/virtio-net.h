/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "memory/guest-memory.h"
#include "net/net.h"
#include "virtio/virtio.h"

/*
 * virtio-net (device id 1): one receive and one transmit queue, a MAC, link
 * status, mergeable receive buffers, checksum offload both ways (the device
 * completes the guest's partial checksums; frames to the guest are marked
 * valid, as the backend computes full checksums). No segmentation offload,
 * no control queue, so one queue pair: the backend is single-threaded anyway.
 *
 * A backend attaches through net_nic_ops (virtio_net_nic_ops, with the
 * virtio_net as the nic pointer) and virtio_net_set_backend().
 */

#define VIRTIO_NET_RXQ 0
#define VIRTIO_NET_TXQ 1
#define VIRTIO_NET_QUEUE_SIZE 256
/* Frames held each way before the device pushes back (transmit) or drops
 * (receive). */
#define VIRTIO_NET_PENDING_MAX 256

struct virtio_net;

struct virtio_net_stats {
  uint64_t rx_frames, rx_dropped;
  uint64_t tx_frames, tx_dropped;
};

extern const struct net_nic_ops virtio_net_nic_ops;

struct virtio_net *virtio_net_new (const struct guest_memory *mem, const uint8_t mac[6]);
void virtio_net_destroy (struct virtio_net *net);
struct virtio_device *virtio_net_get_device (struct virtio_net *net);

/* @wake is called when frames from the guest wait for virtio_net_nic_ops.take.
 * Set before the guest runs; NULL detaches (frames then wait, up to the
 * limit). */
void virtio_net_set_backend (struct virtio_net *net, net_wake_fn wake, void *backend);

/* The link as the guest sees it (config status, a config interrupt when it
 * changes); while down, frames are dropped both ways. Any thread. */
void virtio_net_set_link (struct virtio_net *net, bool up);
bool virtio_net_get_link (struct virtio_net *net);

void virtio_net_get_stats (struct virtio_net *net, struct virtio_net_stats *stats);
