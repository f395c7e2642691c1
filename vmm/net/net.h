/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/*
 * Where a guest network card (virtio-net) meets a host backend (slirp).
 * Frames are whole Ethernet frames without FCS. The card's queues run on its
 * transport's worker thread, the backend on the main thread; the card keeps
 * a bounded queue each way, so neither side waits on the other.
 */

/* The largest frame either side passes: a 64 KiB IP packet plus an
 * Ethernet header (guests may raise their MTU). */
#define NET_FRAME_MAX (65535 + 14)

/* What a backend calls on the card. */
struct net_nic_ops {
  /* Takes the oldest frame the guest sent into @buf (at least NET_FRAME_MAX
   * bytes); returns its length, 0 when none waits. Backend's thread. */
  size_t (*take) (void *nic, void *buf, size_t size);
  /* Queues a frame for the guest (copied); false when it was dropped (the
   * guest is not listening, the link is down or the queue is full: TCP
   * sends it again). Any thread. */
  bool (*receive) (void *nic, const void *frame, size_t len);
};

/* What the card calls on its backend: frames from the guest are waiting.
 * Any thread; must not block. */
typedef void (*net_wake_fn) (void *backend);
