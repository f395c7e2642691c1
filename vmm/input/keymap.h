/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * Key code translation, in one place for every front end. The internal
 * currency is the Linux evdev key code (KEY_* in <linux/input-event-codes.h>),
 * which is what virtio-input sends to the guest. Other code sets:
 *
 *  - SDL scancodes (SDL_SCANCODE_*: USB HID keyboard usages, plus SDL's own
 *    numbers above 256 for media keys);
 *  - XKB keycodes as GDK reports hardware keycodes on X11 and Wayland with
 *    the evdev rules: evdev + 8, so only evdev codes up to 247 have one;
 *  - PC AT set-1 scancodes as SPICE sends them. A scancode here is 0x01-0x7f
 *    for a plain key, 0xe000 | code for a key sent with the 0xe0 prefix, and
 *    KEYMAP_ATSET1_PAUSE for Pause (its 0xe1 sequence). Release is bit 7 of
 *    the last byte on the wire, never part of these values.
 *
 * Unknown codes translate to -1 (to evdev) or 0 (from evdev). Every key of a
 * 105-key ISO keyboard is covered, plus F13-F24, common media keys and the
 * Japanese/Korean keys.
 *
 * SPICE's keyboard messages carry the bytes of a scancode packed little
 * endian in a uint32 (0xe0 | code << 8 for an extended key); its server
 * hands them to the keyboard one byte at a time. Feed those bytes, lowest
 * first, to a struct keymap_atset1_decoder.
 */

#define KEYMAP_ATSET1_PAUSE     0xe11d45u
/* The most bytes one key press or release takes on the wire (Pause). */
#define KEYMAP_ATSET1_MAX_BYTES 3

int keymap_sdl_to_evdev (int sdl_scancode);
int keymap_evdev_to_sdl (int evdev);

int keymap_xkb_to_evdev (unsigned xkb_keycode);
unsigned keymap_evdev_to_xkb (int evdev);

int keymap_atset1_to_evdev (unsigned scancode);
unsigned keymap_evdev_to_atset1 (int evdev);

/* Whether @evdev is a key these tables know (and the keyboard offers). */
bool keymap_evdev_is_known (int evdev);

/* The bytes a keyboard sends for @evdev: fills @bytes, returns their count
 * (0 for a key without a set-1 scancode). */
unsigned keymap_atset1_encode (int evdev, bool pressed,
                               uint8_t bytes[KEYMAP_ATSET1_MAX_BYTES]);

/* Turns a set-1 byte stream back into key events. Zero-initialise it. */
struct keymap_atset1_decoder {
  uint8_t prefix;       /* 0, 0xe0 or 0xe1 */
  uint8_t pause_step;   /* bytes of the 0xe1 sequence seen */
  bool pause_release;
};

/*
 * Feeds one byte. Returns true when it completes a key event, with @evdev
 * and @pressed set. Returns false for prefixes, the fake shifts keyboards
 * wrap around some extended keys, and unknown codes (then @evdev is -1 when
 * a complete but unknown scancode arrived, else left alone).
 */
bool keymap_atset1_decoder_feed (struct keymap_atset1_decoder *dec, uint8_t byte, int *evdev,
                                 bool *pressed);
