/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"
#include "platform/ps2-kbd.h"
#include "vm.h"

/*
 * The keyboard controller at ports 0x60 (data) and 0x64 (status/command),
 * with a PS/2 keyboard (ps2-kbd.h) on its keyboard port and nothing on the
 * aux (mouse) port. It also drives the reset line (command 0xFE, or an output
 * port write with bit 0 clear). The output buffer holds one byte: a reply of
 * the controller or the next keyboard byte, translated to set 1 when the
 * command byte asks (bit 6). IRQ 1 is high while a byte waits and the command
 * byte enables it; each byte is a new edge.
 *
 * Locking: the guest's port accesses (vCPU threads) and i8042_key() (the main
 * loop) take @lock; nothing under it waits.
 */

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64
#define I8042_KBD_IRQ      1

typedef void (*i8042_request_func) (void *opaque, enum vm_request request);

struct i8042 {
  pthread_mutex_t lock;
  struct bus *pio;
  i8042_request_func request;
  void *request_opaque;
  struct irq_line irq;
  bool irq_level;
  struct ps2_kbd kbd;
  uint8_t status;
  uint8_t command_byte;
  uint8_t output;         /* valid when status has OBF */
  bool output_from_kbd;   /* output is a keyboard byte, not a controller reply */
  bool has_held;          /* a keyboard byte a controller reply displaced */
  uint8_t held;           /* ... already translated, delivered before the next */
  uint8_t pending;        /* command waiting for its data byte, or 0 */
  uint8_t output_port;
};

/* @irq: IRQ 1 (may be NULL: no interrupts). */
int i8042_init (struct i8042 *kbc, struct bus *pio, const struct irq_line *irq,
                i8042_request_func request, void *request_opaque)
  __attribute__ ((warn_unused_result));
void i8042_destroy (struct i8042 *kbc);
void i8042_reset (struct i8042 *kbc);

/* A key from the host (evdev code), for the keyboard to send. Any thread. */
void i8042_key (struct i8042 *kbc, int evdev, bool pressed);
/* The keyboard LEDs the guest set, as evdev bits (LED_NUML...). */
uint32_t i8042_get_leds (struct i8042 *kbc);
/* Key events dropped because the keyboard's buffer was full. */
uint64_t i8042_get_dropped (struct i8042 *kbc);
