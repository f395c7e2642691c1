/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <spice.h>

struct input_router;

/*
 * The SPICE inputs channel into virtio-input: keyboard scancodes (PC AT
 * set 1, through keymap.h), the tablet in client mouse mode (absolute, in
 * the primary surface's pixels) and the mouse in server mouse mode
 * (relative). libspice-server calls these on the main context.
 */
struct spice_input_ops {
  /* The current boot's router, or NULL while there is none (reset). */
  struct input_router *(*router) (void *opaque);
};

struct spice_input;

struct spice_input *spice_input_new (SpiceServer *server, const struct spice_input_ops *ops,
                                     void *opaque, char **why);
/* After spice_server_destroy(): the server cannot give back a keyboard or
 * mouse interface, only drop them with itself. */
void spice_input_free (struct spice_input *si);

/* SPICE button masks (SPICE_MOUSE_BUTTON_MASK_*, as libspice-server passes
 * them to the tablet and mouse) to evdev buttons: fills @evdev with the
 * BTN_* of each bit in order, returns how many. Exposed for tests. */
unsigned spice_input_buttons_to_evdev (uint32_t mask, int evdev[8]);
