/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-i8042"

#include "config.h"

#include <glib.h>
#include <linux/input-event-codes.h>
#include <string.h>

#include "irq-recorder.h"
#include "platform/i8042.h"

struct fixture {
  struct bus pio;
  struct i8042 kbc;
  struct irq_recorder irq;
  unsigned resets;
};

static void
record_request (void *opaque, enum vm_request request)
{
  struct fixture *f = opaque;

  g_assert_cmpint (request, ==, VM_REQUEST_RESET);
  f->resets++;
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  struct irq_line line = irq_recorder_line (&f->irq, I8042_KBD_IRQ);

  memset (f, 0, sizeof *f);
  bus_init (&f->pio, "pio");
  g_assert_cmpint (i8042_init (&f->kbc, &f->pio, &line, record_request, f), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  i8042_destroy (&f->kbc);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
}

static uint8_t
rd (struct fixture *f, uint16_t port)
{
  uint8_t v = 0;

  bus_read (&f->pio, port, &v, 1);
  return v;
}

static void
wr (struct fixture *f, uint16_t port, uint8_t v)
{
  bus_write (&f->pio, port, &v, 1);
}

static void
test_self_test (struct fixture *f, gconstpointer data)
{
  g_assert_cmphex (rd (f, 0x64) & 0x01, ==, 0);
  wr (f, 0x64, 0xaa);
  g_assert_cmphex (rd (f, 0x64) & 0x01, ==, 0x01);
  g_assert_cmphex (rd (f, 0x60), ==, 0x55);
  g_assert_cmphex (rd (f, 0x64) & 0x01, ==, 0);
  wr (f, 0x64, 0x60);
  wr (f, 0x60, 0x61);
  wr (f, 0x64, 0x20);
  g_assert_cmphex (rd (f, 0x60), ==, 0x61);
  g_assert_cmpuint (f->resets, ==, 0);
}

static void
test_reset (struct fixture *f, gconstpointer data)
{
  wr (f, 0x64, 0xfe);
  g_assert_cmpuint (f->resets, ==, 1);
  /* Pulsing other lines does not reset. */
  wr (f, 0x64, 0xff);
  g_assert_cmpuint (f->resets, ==, 1);
  /* Output port with the reset bit low. */
  wr (f, 0x64, 0xd1);
  wr (f, 0x60, 0xfe);
  g_assert_cmpuint (f->resets, ==, 2);
  wr (f, 0x64, 0xd1);
  wr (f, 0x60, 0xff);
  g_assert_cmpuint (f->resets, ==, 2);
}

/* Reads the output buffer until it is empty; fails on more than @max. */
static unsigned
drain (struct fixture *f, uint8_t *out, unsigned max)
{
  unsigned n = 0;

  while (rd (f, 0x64) & 0x01)
    {
      g_assert_cmpuint (n, <, max);
      out[n++] = rd (f, 0x60);
    }
  return n;
}

#define expect_bytes(f, ...)                                                   \
  do {                                                                         \
    const uint8_t want_[] = { __VA_ARGS__ };                                   \
    uint8_t got_[256];                                                         \
    unsigned n_ = drain ((f), got_, sizeof got_);                              \
    g_assert_cmpmem (got_, n_, want_, sizeof want_);                           \
  } while (0)

static void
set_command_byte (struct fixture *f, uint8_t v)
{
  wr (f, 0x64, 0x60);
  wr (f, 0x60, v);
}

static void
test_controller (struct fixture *f, gconstpointer data)
{
  wr (f, 0x64, 0x20);
  expect_bytes (f, 0x45);
  wr (f, 0x64, 0xab);
  expect_bytes (f, 0x00);
  /* Disabling the port sets bit 4 of the command byte; keys wait. */
  wr (f, 0x64, 0xad);
  wr (f, 0x64, 0x20);
  expect_bytes (f, 0x55);
  i8042_key (&f->kbc, KEY_A, true);
  g_assert_cmphex (rd (f, 0x64) & 0x01, ==, 0);
  wr (f, 0x64, 0xae);
  expect_bytes (f, 0x1e);
  wr (f, 0x64, 0x20);
  expect_bytes (f, 0x45);
  /* No mouse: a write to it is answered by a NAK from the aux side. */
  wr (f, 0x64, 0xd4);
  wr (f, 0x60, 0xf2);
  g_assert_cmphex (rd (f, 0x64) & 0x21, ==, 0x21);
  g_assert_cmphex (rd (f, 0x60), ==, 0xfe);
  g_assert_cmpuint (f->irq.rises[I8042_KBD_IRQ], ==, 5);
}

static void
test_keyboard_commands (struct fixture *f, gconstpointer data)
{
  set_command_byte (f, 0x05);   /* no translation */
  wr (f, 0x60, 0xff);
  expect_bytes (f, 0xfa, 0xaa);
  wr (f, 0x60, 0xf2);
  expect_bytes (f, 0xfa, 0xab, 0x83);
  wr (f, 0x60, 0xed);
  expect_bytes (f, 0xfa);
  wr (f, 0x60, 0x07);
  expect_bytes (f, 0xfa);
  g_assert_cmphex (i8042_get_leds (&f->kbc), ==, 0x07);
  wr (f, 0x60, 0xf0);
  wr (f, 0x60, 0x00);
  expect_bytes (f, 0xfa, 0xfa, 0x02);
  wr (f, 0x60, 0xf0);
  wr (f, 0x60, 0x03);
  expect_bytes (f, 0xfa, 0xfe);
  wr (f, 0x60, 0xf3);
  wr (f, 0x60, 0x20);
  expect_bytes (f, 0xfa, 0xfa);
  wr (f, 0x60, 0xee);
  expect_bytes (f, 0xee);
  wr (f, 0x60, 0xe8);
  expect_bytes (f, 0xfe);
  /* A command instead of the awaited argument is a command. */
  wr (f, 0x60, 0xed);
  wr (f, 0x60, 0xf2);
  expect_bytes (f, 0xfa, 0xfa, 0xab, 0x83);

  /* Scanning off: keys are lost; on again: they come. */
  wr (f, 0x60, 0xf5);
  expect_bytes (f, 0xfa);
  i8042_key (&f->kbc, KEY_A, true);
  expect_bytes (f);
  wr (f, 0x60, 0xf4);
  expect_bytes (f, 0xfa);
  i8042_key (&f->kbc, KEY_A, true);
  expect_bytes (f, 0x1c);

  /* Set 1 from the keyboard itself. */
  wr (f, 0x60, 0xf0);
  wr (f, 0x60, 0x01);
  expect_bytes (f, 0xfa, 0xfa);
  i8042_key (&f->kbc, KEY_UP, false);
  expect_bytes (f, 0xe0, 0xc8);
  wr (f, 0x60, 0xf6);
  expect_bytes (f, 0xfa);
  i8042_key (&f->kbc, KEY_A, false);
  expect_bytes (f, 0xf0, 0x1c);

  /* A command empties the keyboard's buffer first. */
  i8042_key (&f->kbc, KEY_B, true);
  i8042_key (&f->kbc, KEY_C, true);
  wr (f, 0x60, 0xee);
  expect_bytes (f, 0x32, 0xee);
}

static void
test_scancodes (struct fixture *f, gconstpointer data)
{
  /* The default command byte translates to set 1. */
  i8042_key (&f->kbc, KEY_A, true);
  i8042_key (&f->kbc, KEY_A, false);
  i8042_key (&f->kbc, KEY_UP, true);
  i8042_key (&f->kbc, KEY_UP, false);
  i8042_key (&f->kbc, KEY_RIGHTCTRL, true);
  i8042_key (&f->kbc, KEY_LEFTCTRL, false);
  i8042_key (&f->kbc, KEY_KPSLASH, true);
  i8042_key (&f->kbc, KEY_F7, true);
  i8042_key (&f->kbc, KEY_LEFTMETA, false);
  i8042_key (&f->kbc, KEY_PAUSE, true);
  i8042_key (&f->kbc, KEY_PAUSE, false);
  i8042_key (&f->kbc, KEY_MAX, true);  /* unknown: nothing */
  i8042_key (&f->kbc, -1, true);
  expect_bytes (f, 0x1e, 0x9e, 0xe0, 0x48, 0xe0, 0xc8, 0xe0, 0x1d, 0x9d, 0xe0, 0x35, 0x41,
                0xe0, 0xdb, 0xe1, 0x1d, 0x45, 0xe1, 0x9d, 0xc5);
  /* The identify reply is translated too, as drivers expect. */
  wr (f, 0x60, 0xf2);
  expect_bytes (f, 0xfa, 0xab, 0x41);

  set_command_byte (f, 0x05);
  i8042_key (&f->kbc, KEY_UP, true);
  i8042_key (&f->kbc, KEY_UP, false);
  i8042_key (&f->kbc, KEY_ESC, false);
  i8042_key (&f->kbc, KEY_PAUSE, true);
  expect_bytes (f, 0xe0, 0x75, 0xe0, 0xf0, 0x75, 0xf0, 0x76, 0xe1, 0x14, 0x77, 0xe1, 0xf0, 0x14,
                0xf0, 0x77);
}

/* A controller command while a key waits in the output buffer: the reply
 * comes first (the driver reads it right after its command), and the key is
 * still delivered after it, not lost. */
static void
test_reply_keeps_key (struct fixture *f, gconstpointer data)
{
  i8042_key (&f->kbc, KEY_A, true);
  i8042_key (&f->kbc, KEY_A, false);
  g_assert_cmpuint (rd (f, 0x64) & 0x01, ==, 0x01);
  wr (f, 0x64, 0x20);  /* read the command byte */
  expect_bytes (f, 0x45, 0x1e, 0x9e);
  /* Two replies in a row: the second replaces the first, the key stays. */
  i8042_key (&f->kbc, KEY_B, true);
  wr (f, 0x64, 0xaa);
  wr (f, 0x64, 0x20);
  expect_bytes (f, 0x45, 0x30);
}

static void
test_overflow (struct fixture *f, gconstpointer data)
{
  uint8_t got[PS2_KBD_QUEUE_SIZE + 1];

  set_command_byte (f, 0x15);   /* port disabled, no translation */
  for (unsigned i = 0; i < PS2_KBD_QUEUE_SIZE - 1; i++)
    i8042_key (&f->kbc, KEY_A, true);
  /* Two bytes do not fit in one: the whole key is dropped. */
  i8042_key (&f->kbc, KEY_UP, true);
  i8042_key (&f->kbc, KEY_B, true);
  i8042_key (&f->kbc, KEY_C, true);
  g_assert_cmpuint (i8042_get_dropped (&f->kbc), ==, 2);
  wr (f, 0x64, 0xae);
  g_assert_cmpuint (drain (f, got, sizeof got), ==, PS2_KBD_QUEUE_SIZE);
  g_assert_cmphex (got[0], ==, 0x1c);
  g_assert_cmphex (got[PS2_KBD_QUEUE_SIZE - 1], ==, 0x32);
}

static void
test_irq (struct fixture *f, gconstpointer data)
{
  struct irq_recorder *r = &f->irq;

  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 0);
  i8042_key (&f->kbc, KEY_A, true);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 1);
  g_assert_cmpuint (r->rises[I8042_KBD_IRQ], ==, 1);
  /* Each queued byte is a new edge once the previous one is read. */
  i8042_key (&f->kbc, KEY_A, false);
  g_assert_cmpuint (r->rises[I8042_KBD_IRQ], ==, 1);
  g_assert_cmphex (rd (f, 0x60), ==, 0x1e);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 1);
  g_assert_cmpuint (r->rises[I8042_KBD_IRQ], ==, 2);
  g_assert_cmphex (rd (f, 0x60), ==, 0x9e);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 0);
  /* Status reads do not consume or lower anything. */
  i8042_key (&f->kbc, KEY_B, true);
  rd (f, 0x64);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 1);
  /* Interrupts off in the command byte: the line drops and stays low. */
  set_command_byte (f, 0x44);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 0);
  g_assert_cmphex (rd (f, 0x60), ==, 0x30);
  i8042_key (&f->kbc, KEY_B, false);
  g_assert_cmpint (r->level[I8042_KBD_IRQ], ==, 0);
  g_assert_cmphex (rd (f, 0x64) & 0x01, ==, 0x01);
  g_assert_cmphex (rd (f, 0x60), ==, 0xb0);
  g_assert_cmpuint (r->rises[I8042_KBD_IRQ], ==, 3);
}

/* Whatever the guest writes, the controller stays consistent and answers
 * the self-test afterwards. */
static void
test_hostile (struct fixture *f, gconstpointer data)
{
  GRand *rand = g_rand_new_with_seed (42);
  uint8_t got[256];

  for (unsigned i = 0; i < 100000; i++)
    {
      uint8_t v = g_rand_int (rand);

      switch (g_rand_int_range (rand, 0, 5))
        {
        case 0:
          wr (f, 0x64, v);
          break;
        case 1:
        case 2:
          wr (f, 0x60, v);
          break;
        case 3:
          rd (f, g_rand_boolean (rand) ? 0x60 : 0x64);
          break;
        default:
          i8042_key (&f->kbc, v, g_rand_boolean (rand));
          break;
        }
      g_assert_cmpuint (f->kbc.kbd.count, <=, PS2_KBD_QUEUE_SIZE);
      g_assert_cmpint (f->irq.level[I8042_KBD_IRQ], ==,
                       (f->kbc.status & 0x21) == 0x01 && (f->kbc.command_byte & 0x01));
    }
  g_rand_free (rand);
  set_command_byte (f, 0x45);
  wr (f, 0x60, 0xff);
  drain (f, got, sizeof got);
  wr (f, 0x64, 0xaa);
  expect_bytes (f, 0x55);
  wr (f, 0x60, 0xee);
  expect_bytes (f, 0xee);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/Vmm/i8042/self-test", struct fixture, NULL, fixture_setup, test_self_test,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/reset", struct fixture, NULL, fixture_setup, test_reset,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/controller", struct fixture, NULL, fixture_setup, test_controller,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/keyboard-commands", struct fixture, NULL, fixture_setup,
              test_keyboard_commands, fixture_teardown);
  g_test_add ("/Vmm/i8042/scancodes", struct fixture, NULL, fixture_setup, test_scancodes,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/reply-keeps-key", struct fixture, NULL, fixture_setup,
              test_reply_keeps_key, fixture_teardown);
  g_test_add ("/Vmm/i8042/overflow", struct fixture, NULL, fixture_setup, test_overflow,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/irq", struct fixture, NULL, fixture_setup, test_irq,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/hostile", struct fixture, NULL, fixture_setup, test_hostile,
              fixture_teardown);
  return g_test_run ();
}
