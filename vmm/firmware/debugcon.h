/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>

#include "bus.h"

/*
 * The firmware debug console at port 0x402 (QEMU's "isa-debugcon" as SeaBIOS
 * and OVMF builds expect it). Reading the port returns 0xE9, which is how
 * OVMF decides to print there. What the firmware writes is logged line by
 * line at debug level in the "firmware" domain
 * (G_MESSAGES_DEBUG=firmware shows it).
 */

#define DEBUGCON_PORT      0x402
#define DEBUGCON_READBACK  0xe9
#define DEBUGCON_LINE_MAX  256

struct debugcon {
  pthread_mutex_t lock;
  struct bus *pio;
  char line[DEBUGCON_LINE_MAX];
  unsigned len;
  unsigned long long bytes;  /* written so far, for tests */
};

int debugcon_init (struct debugcon *d, struct bus *pio) __attribute__ ((warn_unused_result));
void debugcon_destroy (struct debugcon *d);
