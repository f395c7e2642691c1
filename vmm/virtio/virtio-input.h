/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "memory/guest-memory.h"
#include "virtio/virtio.h"

/*
 * virtio-input (device id 18): a keyboard, an absolute pointer (tablet) or a
 * relative one (mouse). Events go to the guest on the eventq, one 8-byte
 * event per buffer; the guest reports LED state on the statusq.
 *
 * Injection works from any thread and never waits for the guest: events wait
 * in a bounded ring inside the device until the driver posts buffers. When
 * the driver falls behind and the ring fills, the oldest complete batches
 * (up to an EV_SYN/SYN_REPORT) are dropped. Events sent while no driver runs
 * are discarded, so keys pressed before boot do not arrive late.
 *
 * Locking: the device's state lives under vdev->lock, which the transport
 * holds for resets and config writes; injection and queue work take it too.
 */

enum virtio_input_kind {
  VIRTIO_INPUT_KEYBOARD,
  VIRTIO_INPUT_TABLET,
  VIRTIO_INPUT_MOUSE,
};

/* The tablet's axes run from 0 to this. */
#define VIRTIO_INPUT_ABS_MAX 32767

/* How many events wait for the driver at most. */
#define VIRTIO_INPUT_RING_SIZE 256

/* An event in host byte order (the guest sees little endian). */
struct virtio_input_event_host {
  uint16_t type;
  uint16_t code;
  int32_t value;
};

struct virtio_input;

struct virtio_input *virtio_input_new (const struct guest_memory *mem,
                                       enum virtio_input_kind kind);
void virtio_input_destroy (struct virtio_input *in);
struct virtio_device *virtio_input_get_device (struct virtio_input *in);
enum virtio_input_kind virtio_input_get_kind (const struct virtio_input *in);

/* Queues @n events as one batch (end it with EV_SYN/SYN_REPORT). A batch
 * larger than the ring is refused, with a log message. */
void virtio_input_send (struct virtio_input *in, const struct virtio_input_event_host *events,
                        unsigned n);

/* One change and its SYN_REPORT. */
void virtio_input_key (struct virtio_input *in, int evdev_code, bool pressed);
void virtio_input_button (struct virtio_input *in, int btn, bool pressed);
/* 0..VIRTIO_INPUT_ABS_MAX on both axes (clamped). */
void virtio_input_abs (struct virtio_input *in, int32_t x, int32_t y);
void virtio_input_rel (struct virtio_input *in, int32_t dx, int32_t dy);
/* Positive: away from the user (up) / to the right. */
void virtio_input_wheel (struct virtio_input *in, int32_t dy);
void virtio_input_hwheel (struct virtio_input *in, int32_t dx);

/* The LEDs the guest last set (bit LED_NUML, LED_CAPSL, LED_SCROLLL...). */
uint32_t virtio_input_get_leds (struct virtio_input *in);
/* Events dropped because the ring was full, since creation. */
uint64_t virtio_input_get_dropped (struct virtio_input *in);
