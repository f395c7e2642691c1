/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "vm.h"

/*
 * A keyboard controller with nothing plugged in, at ports 0x60 (data) and
 * 0x64 (status/command): enough for the reset line (command 0xFE, or an output
 * port write with bit 0 clear) and for drivers that run the self-tests. It
 * raises no interrupts; the DSDT does not list it and the FADT does not claim
 * an 8042, so Linux leaves it alone.
 */

#define I8042_DATA_PORT    0x60
#define I8042_COMMAND_PORT 0x64

typedef void (*i8042_request_func) (void *opaque, enum vm_request request);

struct i8042 {
  pthread_mutex_t lock;
  struct bus *pio;
  i8042_request_func request;
  void *request_opaque;
  uint8_t status;
  uint8_t command_byte;
  uint8_t output;         /* valid when status has OBF */
  uint8_t pending;        /* command waiting for its data byte, or 0 */
  uint8_t output_port;
};

int i8042_init (struct i8042 *kbc, struct bus *pio, i8042_request_func request,
                void *request_opaque) __attribute__ ((warn_unused_result));
void i8042_destroy (struct i8042 *kbc);
void i8042_reset (struct i8042 *kbc);
