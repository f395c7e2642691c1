/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-uart"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "irq-recorder.h"
#include "platform/uart.h"

#define BASE 0x3f8
#define IRQ  4

struct fixture {
  struct bus pio;
  struct uart uart;
  struct irq_recorder irqs;
  GByteArray *out;
};

static void
record_output (void *opaque, const uint8_t *buf, size_t len)
{
  struct fixture *f = opaque;

  g_byte_array_append (f->out, buf, len);
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  struct irq_line irq;

  memset (f, 0, sizeof *f);
  irq = irq_recorder_line (&f->irqs, IRQ);
  f->out = g_byte_array_new ();
  bus_init (&f->pio, "pio");
  g_assert_cmpint (uart_init (&f->uart, &f->pio, BASE, &irq, record_output, f), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  uart_destroy (&f->uart);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
  g_byte_array_unref (f->out);
}

static uint8_t
rd (struct fixture *f, unsigned reg)
{
  uint8_t v = 0;

  bus_read (&f->pio, BASE + reg, &v, 1);
  return v;
}

static void
wr (struct fixture *f, unsigned reg, uint8_t v)
{
  bus_write (&f->pio, BASE + reg, &v, 1);
}

static void
test_transmit (struct fixture *f, gconstpointer data)
{
  const char *msg = "Linux version";
  size_t i;

  g_assert_cmphex (rd (f, 5), ==, 0x60); /* THRE | TEMT */
  g_assert_cmphex (rd (f, 2), ==, 0x01); /* no interrupt */
  for (i = 0; msg[i]; i++)
    wr (f, 0, msg[i]);
  g_assert_cmpmem (f->out->data, f->out->len, msg, strlen (msg));
  g_assert_cmphex (rd (f, 5) & 0x60, ==, 0x60);
  /* The divisor latch does not transmit. */
  wr (f, 3, 0x83);
  wr (f, 0, 0x01);
  wr (f, 1, 0x00);
  g_assert_cmphex (rd (f, 0), ==, 0x01);
  wr (f, 3, 0x03);
  g_assert_cmpuint (f->out->len, ==, strlen (msg));
  /* Scratch register. */
  wr (f, 7, 0x5a);
  g_assert_cmphex (rd (f, 7), ==, 0x5a);
}

static void
test_loopback (struct fixture *f, gconstpointer data)
{
  const uint8_t in[] = "x";

  wr (f, 2, 0x07);          /* FIFOs on, cleared */
  wr (f, 4, 0x10 | 0x0b);   /* loopback, OUT2, RTS, DTR */
  /* Modem lines loop back: RTS->CTS, DTR->DSR, OUT2->DCD. */
  g_assert_cmphex (rd (f, 6) & 0xf0, ==, 0xb0);
  wr (f, 0, 0x55);
  wr (f, 0, 0xaa);
  g_assert_cmpuint (f->out->len, ==, 0);
  g_assert_cmphex (rd (f, 5) & 0x01, ==, 0x01);
  g_assert_cmphex (rd (f, 0), ==, 0x55);
  g_assert_cmphex (rd (f, 0), ==, 0xaa);
  g_assert_cmphex (rd (f, 5) & 0x01, ==, 0x00);
  /* The outside is not heard in loopback. */
  g_assert_cmpuint (uart_receive (&f->uart, in, 1), ==, 0);
  /* Overrunning the loop sets OE, cleared by reading LSR. */
  for (unsigned i = 0; i < UART_FIFO_SIZE + 2; i++)
    wr (f, 0, i);
  g_assert_cmphex (rd (f, 5) & 0x02, ==, 0x02);
  g_assert_cmphex (rd (f, 5) & 0x02, ==, 0x00);
  wr (f, 4, 0x00);
  g_assert_cmphex (rd (f, 6) & 0xf0, ==, 0xb0); /* back to a connected line */
}

static void
test_receive_fifo (struct fixture *f, gconstpointer data)
{
  uint8_t buf[20];
  unsigned i;

  for (i = 0; i < sizeof buf; i++)
    buf[i] = 'a' + i;
  /* FIFO off (16450 mode): one byte fits. */
  g_assert_cmpuint (uart_can_receive (&f->uart), ==, 1);
  g_assert_cmpuint (uart_receive (&f->uart, buf, sizeof buf), ==, 1);
  g_assert_cmpuint (uart_receive (&f->uart, buf, sizeof buf), ==, 0);
  g_assert_cmphex (rd (f, 0), ==, 'a');

  wr (f, 2, 0xc7);
  g_assert_cmphex (rd (f, 2) & 0xc0, ==, 0xc0);
  g_assert_cmpuint (uart_receive (&f->uart, buf, sizeof buf), ==, UART_FIFO_SIZE);
  g_assert_cmpuint (uart_can_receive (&f->uart), ==, 0);
  g_assert_cmpuint (uart_receive (&f->uart, buf + 16, 4), ==, 0);
  g_assert_cmphex (rd (f, 5) & 0x03, ==, 0x01); /* data ready, no overrun: the rest waits */
  for (i = 0; i < UART_FIFO_SIZE; i++)
    g_assert_cmphex (rd (f, 0), ==, 'a' + i);
  g_assert_cmphex (rd (f, 5) & 0x01, ==, 0);
  g_assert_cmpuint (uart_receive (&f->uart, buf + 16, 4), ==, 4);
  g_assert_cmphex (rd (f, 0), ==, 'q');
  /* Clearing the receive FIFO. */
  wr (f, 2, 0xc3);
  g_assert_cmphex (rd (f, 5) & 0x01, ==, 0);
}

static void
test_interrupts (struct fixture *f, gconstpointer data)
{
  const uint8_t in[3] = { 1, 2, 3 };
  unsigned rises;

  wr (f, 4, 0x0b);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);
  /* Enabling THRI with THR empty interrupts at once. */
  wr (f, 1, 0x02);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  g_assert_cmphex (rd (f, 2), ==, 0x02);
  /* Reading IIR acknowledged it. */
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);
  g_assert_cmphex (rd (f, 2), ==, 0x01);
  /* Each byte sent makes THR empty again: a new edge. */
  rises = f->irqs.rises[IRQ];
  wr (f, 0, 'x');
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  g_assert_cmpuint (f->irqs.rises[IRQ], ==, rises + 1);
  wr (f, 1, 0x00);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);

  /* Received data with RDI enabled; with FIFOs below the trigger it is a timeout. */
  g_assert_cmpuint (uart_receive (&f->uart, in, 1), ==, 1);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);
  wr (f, 1, 0x01);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  g_assert_cmphex (rd (f, 2), ==, 0x04);
  g_assert_cmphex (rd (f, 0), ==, 1);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);
  wr (f, 2, 0x41); /* FIFO on, trigger at 4 */
  g_assert_cmpuint (uart_receive (&f->uart, in, 3), ==, 3);
  g_assert_cmphex (rd (f, 2), ==, 0xcc);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  g_assert_cmpuint (uart_receive (&f->uart, in, 1), ==, 1);
  g_assert_cmphex (rd (f, 2), ==, 0xc4);
  while (rd (f, 5) & 0x01)
    rd (f, 0);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);

  /* Priorities: receive data before THR empty. */
  wr (f, 1, 0x03);
  g_assert_cmpuint (uart_receive (&f->uart, in, 1), ==, 1);
  g_assert_cmphex (rd (f, 2) & 0x0f, ==, 0x0c);
  rd (f, 0);
  g_assert_cmphex (rd (f, 2) & 0x0f, ==, 0x02);
  g_assert_cmphex (rd (f, 2) & 0x0f, ==, 0x01);

  /* Modem status changes (loopback toggling DTR) with MSI. */
  wr (f, 1, 0x08);
  wr (f, 4, 0x10);
  wr (f, 4, 0x11);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  g_assert_cmphex (rd (f, 2) & 0x0f, ==, 0x00);
  g_assert_cmphex (rd (f, 6) & 0x0f, !=, 0);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);

  /* Reset drops the line. */
  wr (f, 1, 0x02);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 1);
  uart_reset (&f->uart);
  g_assert_cmpint (f->irqs.level[IRQ], ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/Vmm/uart/" path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("transmit", test_transmit);
  ADD ("loopback", test_loopback);
  ADD ("receive-fifo", test_receive_fifo);
  ADD ("interrupts", test_interrupts);
  return g_test_run ();
}
