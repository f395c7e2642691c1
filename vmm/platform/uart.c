/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "uart"

#include "config.h"

#include "uart.h"

#include "log.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

/* Register offsets. */
#define UART_RBR 0  /* THR on write, DLL with DLAB */
#define UART_IER 1  /* DLM with DLAB */
#define UART_IIR 2  /* FCR on write */
#define UART_LCR 3
#define UART_MCR 4
#define UART_LSR 5
#define UART_MSR 6
#define UART_SCR 7

#define UART_IER_RDI   0x01
#define UART_IER_THRI  0x02
#define UART_IER_RLSI  0x04
#define UART_IER_MSI   0x08

#define UART_IIR_NONE  0x01
#define UART_IIR_MSI   0x00
#define UART_IIR_THRI  0x02
#define UART_IIR_RDI   0x04
#define UART_IIR_RLSI  0x06
#define UART_IIR_TIMEOUT 0x0c
#define UART_IIR_FIFO  0xc0

#define UART_FCR_ENABLE    0x01
#define UART_FCR_CLEAR_RX  0x02
#define UART_FCR_CLEAR_TX  0x04

#define UART_LCR_DLAB  0x80

#define UART_MCR_DTR   0x01
#define UART_MCR_RTS   0x02
#define UART_MCR_OUT1  0x04
#define UART_MCR_OUT2  0x08
#define UART_MCR_LOOP  0x10

#define UART_LSR_DR    0x01
#define UART_LSR_OE    0x02
#define UART_LSR_BI_PE_FE 0x1c
#define UART_LSR_THRE  0x20
#define UART_LSR_TEMT  0x40
#define UART_LSR_ERRORS (UART_LSR_OE | UART_LSR_BI_PE_FE)

#define UART_MSR_DCTS  0x01
#define UART_MSR_DDSR  0x02
#define UART_MSR_TERI  0x04
#define UART_MSR_DDCD  0x08
#define UART_MSR_DELTAS 0x0f
#define UART_MSR_CTS   0x10
#define UART_MSR_DSR   0x20
#define UART_MSR_RI    0x40
#define UART_MSR_DCD   0x80

static bool
uart_fifo_enabled (const struct uart *uart)
{
  return uart->fcr & UART_FCR_ENABLE;
}

static unsigned
uart_rx_capacity (const struct uart *uart)
{
  return uart_fifo_enabled (uart) ? UART_FIFO_SIZE : 1;
}

static unsigned
uart_rx_trigger (const struct uart *uart)
{
  static const unsigned levels[4] = { 1, 4, 8, 14 };

  return uart_fifo_enabled (uart) ? levels[uart->fcr >> 6] : 1;
}

/* The highest-priority pending interrupt, as IIR reports it. */
static uint8_t
uart_pending (const struct uart *uart)
{
  if ((uart->ier & UART_IER_RLSI) && (uart->lsr & UART_LSR_ERRORS))
    return UART_IIR_RLSI;
  if ((uart->ier & UART_IER_RDI) && uart->rx_count > 0)
    return uart->rx_count >= uart_rx_trigger (uart) ? UART_IIR_RDI : UART_IIR_TIMEOUT;
  if ((uart->ier & UART_IER_THRI) && uart->thr_ipending)
    return UART_IIR_THRI;
  if ((uart->ier & UART_IER_MSI) && (uart->msr & UART_MSR_DELTAS))
    return UART_IIR_MSI;
  return UART_IIR_NONE;
}

static void
uart_update_irq (struct uart *uart)
{
  bool level = uart_pending (uart) != UART_IIR_NONE;

  if (level != uart->irq_level)
    {
      uart->irq_level = level;
      irq_line_set (&uart->irq, level);
    }
}

/* The modem status lines as the guest sees them. */
static uint8_t
uart_modem_lines (const struct uart *uart)
{
  uint8_t m = uart->mcr;

  if (!(m & UART_MCR_LOOP))
    return UART_MSR_CTS | UART_MSR_DSR | UART_MSR_DCD; /* a connected terminal */
  return ((m & UART_MCR_RTS) ? UART_MSR_CTS : 0) | ((m & UART_MCR_DTR) ? UART_MSR_DSR : 0) |
         ((m & UART_MCR_OUT1) ? UART_MSR_RI : 0) | ((m & UART_MCR_OUT2) ? UART_MSR_DCD : 0);
}

static void
uart_update_msr (struct uart *uart)
{
  uint8_t old = uart->msr, now = uart_modem_lines (uart), deltas = 0;

  if ((old ^ now) & UART_MSR_CTS)
    deltas |= UART_MSR_DCTS;
  if ((old ^ now) & UART_MSR_DSR)
    deltas |= UART_MSR_DDSR;
  if ((old & UART_MSR_RI) && !(now & UART_MSR_RI))
    deltas |= UART_MSR_TERI; /* trailing edge only */
  if ((old ^ now) & UART_MSR_DCD)
    deltas |= UART_MSR_DDCD;
  uart->msr = now | (old & UART_MSR_DELTAS) | deltas;
}

static void
uart_rx_clear (struct uart *uart)
{
  uart->rx_head = 0;
  uart->rx_count = 0;
  uart->lsr &= ~UART_LSR_DR;
}

/* Returns false when the FIFO is full (the byte is lost). */
static bool
uart_rx_push (struct uart *uart, uint8_t byte)
{
  if (uart->rx_count >= uart_rx_capacity (uart))
    return false;
  uart->rx_fifo[(uart->rx_head + uart->rx_count) % UART_FIFO_SIZE] = byte;
  uart->rx_count++;
  uart->lsr |= UART_LSR_DR;
  return true;
}

static uint8_t
uart_rx_pop (struct uart *uart)
{
  uint8_t byte;

  if (uart->rx_count == 0)
    return 0;
  byte = uart->rx_fifo[uart->rx_head];
  uart->rx_head = (uart->rx_head + 1) % UART_FIFO_SIZE;
  if (--uart->rx_count == 0)
    uart->lsr &= ~UART_LSR_DR;
  return byte;
}

static uint8_t
uart_read_reg (struct uart *uart, unsigned reg)
{
  uint8_t v, iir;

  switch (reg)
    {
    case UART_RBR:
      if (uart->lcr & UART_LCR_DLAB)
        return uart->dll;
      return uart_rx_pop (uart);
    case UART_IER:
      if (uart->lcr & UART_LCR_DLAB)
        return uart->dlm;
      return uart->ier;
    case UART_IIR:
      iir = uart_pending (uart);
      /* Reading IIR is how the driver acknowledges THR empty. */
      if (iir == UART_IIR_THRI)
        uart->thr_ipending = false;
      return iir | (uart_fifo_enabled (uart) ? UART_IIR_FIFO : 0);
    case UART_LCR:
      return uart->lcr;
    case UART_MCR:
      return uart->mcr;
    case UART_LSR:
      v = uart->lsr;
      uart->lsr &= ~UART_LSR_ERRORS;
      return v;
    case UART_MSR:
      v = uart->msr;
      uart->msr &= ~UART_MSR_DELTAS;
      return v;
    default:
      return uart->scr;
    }
}

static void
uart_transmit (struct uart *uart, uint8_t byte)
{
  if (uart->mcr & UART_MCR_LOOP)
    {
      if (!uart_rx_push (uart, byte))
        uart->lsr |= UART_LSR_OE;
    }
  else if (uart->output)
    uart->output (uart->output_opaque, &byte, 1);
  /* Sent at once: the holding register is empty again. */
  uart->lsr |= UART_LSR_THRE | UART_LSR_TEMT;
  uart->thr_ipending = true;
}

static void
uart_write_reg (struct uart *uart, unsigned reg, uint8_t v)
{
  switch (reg)
    {
    case UART_RBR:
      if (uart->lcr & UART_LCR_DLAB)
        uart->dll = v;
      else
        {
          uart->thr_ipending = false;
          uart_transmit (uart, v);
        }
      break;
    case UART_IER:
      if (uart->lcr & UART_LCR_DLAB)
        uart->dlm = v;
      else
        {
          /* Enabling THRI with THR empty raises the interrupt, as drivers expect. */
          if (!(uart->ier & UART_IER_THRI) && (v & UART_IER_THRI) && (uart->lsr & UART_LSR_THRE))
            uart->thr_ipending = true;
          uart->ier = v & 0x0f;
        }
      break;
    case UART_IIR:
      if ((v ^ uart->fcr) & UART_FCR_ENABLE)
        uart_rx_clear (uart); /* switching modes empties the FIFOs */
      if (v & UART_FCR_CLEAR_RX)
        uart_rx_clear (uart);
      uart->fcr = v & 0xc9;
      break;
    case UART_LCR:
      uart->lcr = v;
      break;
    case UART_MCR:
      uart->mcr = v & 0x1f;
      uart_update_msr (uart);
      break;
    case UART_LSR:
    case UART_MSR:
      break; /* read-only here */
    default:
      uart->scr = v;
      break;
    }
}

static void
uart_io_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct uart *uart = opaque;
  uint8_t *p = data;

  memset (data, 0xff, size);
  if (offset >= 8)
    return;
  pthread_mutex_lock (&uart->lock);
  p[0] = uart_read_reg (uart, offset);
  uart_update_irq (uart);
  pthread_mutex_unlock (&uart->lock);
}

static void
uart_io_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct uart *uart = opaque;

  if (offset >= 8)
    return;
  pthread_mutex_lock (&uart->lock);
  uart_write_reg (uart, offset, *(const uint8_t *) data);
  uart_update_irq (uart);
  pthread_mutex_unlock (&uart->lock);
}

static const struct bus_ops uart_ops = { uart_io_read, uart_io_write };

static void
uart_reset_locked (struct uart *uart)
{
  uart->ier = 0;
  uart->lcr = 0;
  uart->mcr = 0;
  uart->lsr = UART_LSR_THRE | UART_LSR_TEMT;
  uart->msr = uart_modem_lines (uart);
  uart->scr = 0;
  uart->dll = 12; /* 9600 baud */
  uart->dlm = 0;
  uart->fcr = 0;
  uart->thr_ipending = false;
  uart_rx_clear (uart);
  uart_update_irq (uart);
}

void
uart_reset (struct uart *uart)
{
  pthread_mutex_lock (&uart->lock);
  uart_reset_locked (uart);
  pthread_mutex_unlock (&uart->lock);
}

int
uart_init (struct uart *uart, struct bus *pio, uint16_t base, const struct irq_line *irq,
           uart_output_func output, void *output_opaque)
{
  int ret;

  memset (uart, 0, sizeof *uart);
  pthread_mutex_init (&uart->lock, NULL);
  uart->pio = pio;
  uart->base = base;
  if (irq)
    uart->irq = *irq;
  uart->output = output;
  uart->output_opaque = output_opaque;
  uart_reset_locked (uart);
  if ((ret = bus_register (pio, base, 8, &uart_ops, uart, "uart")) < 0)
    {
      vmm_error ("Cannot claim the serial port at 0x%x: %s", base, g_strerror (-ret));
      pthread_mutex_destroy (&uart->lock);
      return ret;
    }
  return 0;
}

void
uart_destroy (struct uart *uart)
{
  bus_unregister (uart->pio, uart->base);
  pthread_mutex_destroy (&uart->lock);
}

size_t
uart_can_receive (struct uart *uart)
{
  size_t n;

  pthread_mutex_lock (&uart->lock);
  /* In loopback the receiver hears only the transmitter. */
  n = (uart->mcr & UART_MCR_LOOP) ? 0 : uart_rx_capacity (uart) - uart->rx_count;
  pthread_mutex_unlock (&uart->lock);
  return n;
}

size_t
uart_receive (struct uart *uart, const uint8_t *buf, size_t len)
{
  size_t n = 0;

  pthread_mutex_lock (&uart->lock);
  if (!(uart->mcr & UART_MCR_LOOP))
    while (n < len && uart_rx_push (uart, buf[n]))
      n++;
  uart_update_irq (uart);
  pthread_mutex_unlock (&uart->lock);
  return n;
}
