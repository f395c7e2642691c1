/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdint.h>

#include "display/display.h"
#include "memory/guest-memory.h"
#include "virtio/virtio.h"

/*
 * virtio-gpu (device id 16), 2D only: a control queue and a cursor queue,
 * scanouts shown on a struct display (one display scanout per GPU scanout).
 * Commands complete synchronously on the transport's worker thread; the
 * display's viewers change the wanted size through display_request_size(),
 * which the device turns into a display-change event for the guest.
 */

#define VIRTIO_GPU_QUEUE_SIZE 256
#define VIRTIO_GPU_DEFAULT_MEMORY_CAP (256ull << 20)
#define VIRTIO_GPU_DEFAULT_WIDTH  1024
#define VIRTIO_GPU_DEFAULT_HEIGHT 768

struct virtio_gpu;

/* @n_scanouts: 1..DISPLAY_MAX_SCANOUTS and at most @display's; scanout 0
 * starts enabled at 1024x768, the others when a viewer asks for a size.
 * @resource_memory_cap: host bytes the guest's resources may take (0: the
 * default, 256 MiB). Registers itself as @display's producer. NULL (logged)
 * on bad arguments. */
struct virtio_gpu *virtio_gpu_new (const struct guest_memory *mem, struct display *display,
                                   unsigned n_scanouts, uint64_t resource_memory_cap);
/* After the transport is gone. */
void virtio_gpu_destroy (struct virtio_gpu *gpu);

/* What the transport drives (threaded: never on a vCPU). */
struct virtio_device *virtio_gpu_get_device (struct virtio_gpu *gpu);
