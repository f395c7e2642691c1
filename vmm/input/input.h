/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/input-event-codes.h>

#include "platform/i8042.h"
#include "virtio/virtio-input.h"

/*
 * Where every front end (SDL window, D-Bus, SPICE) sends input: keys go to the
 * virtio keyboard once its guest driver is up (DRIVER_OK), before that to the
 * PS/2 keyboard, so firmware and boot loaders get keys and a guest with both
 * drivers sees each key once. Absolute motion to the tablet, relative motion to the mouse.
 * Buttons and the wheel follow the pointer mode used last, so that a click
 * lands on the device the guest is tracking. Key and button codes are evdev
 * codes (translate with keymap.h first).
 *
 * Any thread; nothing here waits for the guest. The devices belong to the
 * machine; any of them may be NULL (its input is then dropped).
 */

#define INPUT_KEY_WORDS ((KEY_MAX + 32) / 32)

struct input_router {
  struct virtio_input *keyboard;
  struct virtio_input *tablet;
  struct virtio_input *mouse;
  struct i8042 *ps2;      /* the PS/2 keyboard's controller, or NULL */
  /* Keys pressed on the PS/2 keyboard: their releases go there too, even
   * when the virtio driver came up meanwhile (no key stuck in atkbd). */
  atomic_uint ps2_down[INPUT_KEY_WORDS];
  atomic_bool relative;   /* the last pointer motion was relative */
};

void input_router_init (struct input_router *router, struct virtio_input *keyboard,
                        struct virtio_input *tablet, struct virtio_input *mouse);

/* Keys go to @kbc's PS/2 keyboard while the virtio keyboard has no driver. */
void input_router_set_ps2 (struct input_router *router, struct i8042 *kbc);

void input_key (struct input_router *router, int evdev, bool pressed);

/* (@x, @y) in a @width x @height surface, scaled to the tablet's range:
 * 0 maps to 0 and width - 1 to its maximum; outside points are clamped. */
void input_pointer_abs (struct input_router *router, int32_t x, int32_t y, uint32_t width,
                        uint32_t height);
void input_pointer_rel (struct input_router *router, int32_t dx, int32_t dy);

/* @btn: BTN_LEFT, BTN_RIGHT, BTN_MIDDLE, BTN_SIDE or BTN_EXTRA. */
void input_button (struct input_router *router, int btn, bool pressed);
/* Positive: away from the user (up) / to the right, in wheel clicks. */
void input_wheel (struct input_router *router, int32_t dy);
void input_hwheel (struct input_router *router, int32_t dx);

/* The keyboard LEDs the guest set (bit LED_CAPSL...), 0 without a keyboard. */
uint32_t input_get_leds (struct input_router *router);

/* The tablet coordinate for pixel @v of @size pixels (exposed for tests). */
int32_t input_scale_abs (int32_t v, uint32_t size);
