/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"

/*
 * A 16550A UART. Transmitted bytes go straight to the output callback (which
 * must not block: see serial-backend.h), so the transmitter is always empty.
 * Received bytes come from the main loop through uart_receive().
 *
 * The interrupt output is a level computed from the pending conditions; on an
 * edge-triggered ISA IRQ each new condition after the driver drained the
 * previous ones is a new edge, which is what the Linux 8250 driver expects.
 * The character-timeout interrupt fires at once for data below the trigger
 * level (there is no timer), and the baud rate is ignored.
 */

#define UART_COM1_BASE 0x3f8
#define UART_COM1_IRQ  4
#define UART_FIFO_SIZE 16

typedef void (*uart_output_func) (void *opaque, const uint8_t *buf, size_t len);

struct uart {
  pthread_mutex_t lock;
  struct bus *pio;
  uint16_t base;
  struct irq_line irq;
  uart_output_func output;
  void *output_opaque;

  uint8_t ier, lcr, mcr, lsr, msr, scr, dll, dlm, fcr;
  bool thr_ipending;   /* THR-empty interrupt waiting for an IIR read or a write */
  bool irq_level;
  uint8_t rx_fifo[UART_FIFO_SIZE];
  unsigned rx_head, rx_count;
};

/* Claims 8 ports at @base on @pio. @output may be NULL (output dropped). */
int uart_init (struct uart *uart, struct bus *pio, uint16_t base, const struct irq_line *irq,
               uart_output_func output, void *output_opaque) __attribute__ ((warn_unused_result));
void uart_destroy (struct uart *uart);
void uart_reset (struct uart *uart);

/* Input from the outside: returns how many bytes fit the receive FIFO. */
size_t uart_receive (struct uart *uart, const uint8_t *buf, size_t len);
/* How many bytes uart_receive() would take now. */
size_t uart_can_receive (struct uart *uart);
