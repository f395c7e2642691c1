/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-rtc"

#include "config.h"

#include <glib.h>
#include <string.h>
#include <time.h>

#include "platform/rtc.h"

struct fixture {
  struct bus pio;
  struct rtc rtc;
  struct timespec fake_now;
};

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  memset (f, 0, sizeof *f);
  bus_init (&f->pio, "pio");
  g_assert_cmpint (rtc_init (&f->rtc, &f->pio, NULL), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  rtc_destroy (&f->rtc);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
}

static uint8_t
cmos_read (struct fixture *f, uint8_t index)
{
  uint8_t v = 0;

  bus_write (&f->pio, 0x70, &index, 1);
  bus_read (&f->pio, 0x71, &v, 1);
  return v;
}

static void
cmos_write (struct fixture *f, uint8_t index, uint8_t v)
{
  bus_write (&f->pio, 0x70, &index, 1);
  bus_write (&f->pio, 0x71, &v, 1);
}

static unsigned
decode (struct fixture *f, uint8_t v)
{
  if (cmos_read (f, 0x0b) & 0x04)
    return v;
  return (v >> 4) * 10 + (v & 0xf);
}

/* Reads the clock the way Linux's mc146818 code does. */
static time_t
read_clock (struct fixture *f, struct tm *out)
{
  struct tm tm = { 0 };
  unsigned tries = 0;
  uint8_t hour;

  for (;;)
    {
      while (cmos_read (f, 0x0a) & 0x80)
        g_assert_cmpuint (++tries, <, 1000000);
      tm.tm_sec = decode (f, cmos_read (f, 0x00));
      tm.tm_min = decode (f, cmos_read (f, 0x02));
      hour = cmos_read (f, 0x04);
      tm.tm_mday = decode (f, cmos_read (f, 0x07));
      tm.tm_mon = decode (f, cmos_read (f, 0x08)) - 1;
      tm.tm_year = decode (f, cmos_read (f, 0x32)) * 100 + decode (f, cmos_read (f, 0x09)) - 1900;
      if (!(cmos_read (f, 0x0a) & 0x80) && decode (f, cmos_read (f, 0x00)) == (unsigned) tm.tm_sec)
        break;
    }
  if (cmos_read (f, 0x0b) & 0x02)
    tm.tm_hour = decode (f, hour);
  else
    tm.tm_hour = decode (f, hour & 0x7f) % 12 + ((hour & 0x80) ? 12 : 0);
  if (out)
    *out = tm;
  return timegm (&tm);
}

static void
test_host_time (struct fixture *f, gconstpointer data)
{
  time_t t;

  g_assert_cmphex (cmos_read (f, 0x0b) & 0x06, ==, 0x02); /* BCD, 24 h */
  t = read_clock (f, NULL);
  g_assert_cmpint (labs ((long) (t - time (NULL))), <=, 2);

  cmos_write (f, 0x0b, 0x06); /* binary */
  t = read_clock (f, NULL);
  g_assert_cmpint (labs ((long) (t - time (NULL))), <=, 2);
  g_assert_cmpuint (cmos_read (f, 0x09), <, 100);

  cmos_write (f, 0x0b, 0x00); /* BCD, 12 h */
  t = read_clock (f, NULL);
  g_assert_cmpint (labs ((long) (t - time (NULL))), <=, 2);
  g_assert_cmpuint (decode (f, cmos_read (f, 0x04) & 0x7f), >=, 1);
  g_assert_cmpuint (decode (f, cmos_read (f, 0x04) & 0x7f), <=, 12);
}

static void
test_guest_sets_time (struct fixture *f, gconstpointer data)
{
  struct tm tm;
  time_t t, expected;

  /* As Linux does: SET, write the fields, clear SET. */
  cmos_write (f, 0x0b, 0x82);
  cmos_write (f, 0x00, 0x30);
  cmos_write (f, 0x02, 0x45);
  cmos_write (f, 0x04, 0x13);
  cmos_write (f, 0x07, 0x29);
  cmos_write (f, 0x08, 0x02);
  cmos_write (f, 0x09, 0x04);
  cmos_write (f, 0x32, 0x20);
  /* Frozen while SET: no update in progress, fields as written. */
  g_assert_cmphex (cmos_read (f, 0x0a) & 0x80, ==, 0);
  g_assert_cmphex (cmos_read (f, 0x07), ==, 0x29);
  cmos_write (f, 0x0b, 0x02);
  t = read_clock (f, &tm);
  expected = timegm (&(struct tm) { .tm_sec = 30, .tm_min = 45, .tm_hour = 13, .tm_mday = 29,
                                    .tm_mon = 1, .tm_year = 104 });
  g_assert_cmpint (t - expected, >=, 0);
  g_assert_cmpint (t - expected, <=, 2);
  g_assert_cmphex (cmos_read (f, 0x06), ==, 0x01); /* 2004-02-29 was a Sunday */

  /* A single field without SET moves the running clock. */
  cmos_write (f, 0x09, 0x10);
  read_clock (f, &tm);
  g_assert_cmpint (tm.tm_year, ==, 110);
  /* Nonsense is normalized, not trusted. */
  cmos_write (f, 0x08, 0x99);
  read_clock (f, &tm);
  g_assert_cmpint (tm.tm_mon, >=, 0);
  g_assert_cmpint (tm.tm_mon, <=, 11);
}

static void
fake_clock (void *opaque, struct timespec *now)
{
  struct fixture *f = opaque;

  *now = f->fake_now;
}

static void
test_uip (struct fixture *f, gconstpointer data)
{
  gint64 start = g_get_monotonic_time ();
  unsigned set = 0, i;

  /* With the real clock a polling loop sees UIP clear quickly. */
  for (i = 0; i < 5; i++)
    while (cmos_read (f, 0x0a) & 0x80)
      set++;
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);

  f->rtc.clock = fake_clock;
  f->rtc.clock_opaque = f;
  f->fake_now = (struct timespec) { 1000000000, 999900000 };
  g_assert_cmphex (cmos_read (f, 0x0a), ==, 0xa6);
  f->fake_now = (struct timespec) { 1000000000, 500000000 };
  g_assert_cmphex (cmos_read (f, 0x0a), ==, 0x26);
  /* While SET holds the clock, no update runs. */
  f->fake_now = (struct timespec) { 1000000000, 999900000 };
  cmos_write (f, 0x0b, 0x82);
  g_assert_cmphex (cmos_read (f, 0x0a), ==, 0x26);
}

static void
test_cmos (struct fixture *f, gconstpointer data)
{
  rtc_set_machine_info (&f->rtc, 1ull << 30, 2ull << 30, 4);
  g_assert_cmphex (cmos_read (f, 0x34) | cmos_read (f, 0x35) << 8, ==, 0x3f00);
  g_assert_cmphex (cmos_read (f, 0x30) | cmos_read (f, 0x31) << 8, ==, 0xffff);
  g_assert_cmphex (cmos_read (f, 0x5b) | cmos_read (f, 0x5c) << 8 | cmos_read (f, 0x5d) << 16,
                   ==, 0x8000);
  g_assert_cmphex (cmos_read (f, 0x5f), ==, 3);
  /* The NMI mask bit of the index is ignored. */
  g_assert_cmphex (cmos_read (f, 0x80 | 0x34), ==, 0x00);
  g_assert_cmphex (cmos_read (f, 0x80 | 0x35), ==, 0x3f);
  cmos_write (f, 0x40, 0x5a);
  g_assert_cmphex (cmos_read (f, 0x40), ==, 0x5a);
  g_assert_cmphex (rtc_cmos_get (&f->rtc, 0x40), ==, 0x5a);
  /* No interrupt sources: C reads 0 whatever B enables; D says valid. */
  cmos_write (f, 0x0b, 0x72);
  g_assert_cmphex (cmos_read (f, 0x0c), ==, 0);
  g_assert_cmphex (cmos_read (f, 0x0d), ==, 0x80);
  cmos_write (f, 0x0d, 0);
  g_assert_cmphex (cmos_read (f, 0x0d), ==, 0x80);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/Vmm/rtc/" path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("host-time", test_host_time);
  ADD ("guest-sets-time", test_guest_sets_time);
  ADD ("update-in-progress", test_uip);
  ADD ("cmos", test_cmos);
  return g_test_run ();
}
