/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-i8042"

#include "config.h"

#include <glib.h>
#include <string.h>

#include "platform/i8042.h"

struct fixture {
  struct bus pio;
  struct i8042 kbc;
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
  memset (f, 0, sizeof *f);
  bus_init (&f->pio, "pio");
  g_assert_cmpint (i8042_init (&f->kbc, &f->pio, record_request, f), ==, 0);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/Vmm/i8042/self-test", struct fixture, NULL, fixture_setup, test_self_test,
              fixture_teardown);
  g_test_add ("/Vmm/i8042/reset", struct fixture, NULL, fixture_setup, test_reset,
              fixture_teardown);
  return g_test_run ();
}
