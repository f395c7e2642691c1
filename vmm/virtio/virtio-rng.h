/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "memory/guest-memory.h"
#include "virtio/virtio.h"

/* virtio-rng (device id 4): fills the driver's buffers from getrandom(). */

struct virtio_rng;

struct virtio_rng *virtio_rng_new (const struct guest_memory *mem);
void virtio_rng_destroy (struct virtio_rng *rng);
struct virtio_device *virtio_rng_get_device (struct virtio_rng *rng);
