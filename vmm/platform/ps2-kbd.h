/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/*
 * A PS/2 keyboard as seen from the keyboard controller's side of the cable:
 * it takes command bytes (reset, identify, LEDs, scancode set, enable...) and
 * produces bytes (acks, replies, scancodes) into a bounded queue that the
 * controller drains one byte at a time. Scancodes are set 2 by default (the
 * controller translates them to set 1 when its command byte asks), or set 1
 * when the guest selects it. When the queue cannot hold a whole key sequence
 * the key is dropped, as a real keyboard's buffer overruns.
 *
 * No lock of its own: the controller (i8042.c) owns it and calls in under its
 * lock.
 */

#define PS2_KBD_QUEUE_SIZE 64

struct ps2_kbd {
  uint8_t queue[PS2_KBD_QUEUE_SIZE];
  unsigned head, count;
  uint8_t pending;      /* command waiting for its argument byte, or 0 */
  uint8_t set;          /* scancode set: 1 or 2 */
  uint8_t leds;         /* bit 0 scroll, 1 num, 2 caps lock */
  bool scanning;        /* F4/F5: whether keys are reported */
  uint64_t dropped;     /* key events lost to a full queue */
};

void ps2_kbd_reset (struct ps2_kbd *kbd);

/* A byte the guest sent to the keyboard (a command or its argument). */
void ps2_kbd_write (struct ps2_kbd *kbd, uint8_t v);

/* Queues the make (@pressed) or break code of evdev key @evdev. Unknown keys
 * and keys while scanning is off are ignored. Returns false when dropped. */
bool ps2_kbd_key (struct ps2_kbd *kbd, int evdev, bool pressed);

/* Takes the next byte for the controller; false when the queue is empty. */
bool ps2_kbd_pop (struct ps2_kbd *kbd, uint8_t *v);

/* Set 2 to set 1, as an 8042 in translating mode does for one byte (without
 * the F0 break prefix, which the controller folds into the next byte). */
uint8_t ps2_kbd_translate (uint8_t set2);
