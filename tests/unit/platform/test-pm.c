/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-pm"

#include "config.h"

#include <glib.h>
#include <string.h>
#include <unistd.h>

#include "irq-recorder.h"
#include "platform/pm.h"

#define BASE 0x600

struct fixture {
  struct bus pio;
  struct pm pm;
  struct irq_recorder irqs;
  unsigned requests[4];
};

static void
record_request (void *opaque, enum vm_request request)
{
  struct fixture *f = opaque;

  f->requests[request]++;
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  struct irq_line sci;

  memset (f, 0, sizeof *f);
  sci = irq_recorder_line (&f->irqs, PM_SCI_IRQ);
  bus_init (&f->pio, "pio");
  g_assert_cmpint (pm_init (&f->pm, &f->pio, &sci, record_request, f), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  pm_destroy (&f->pm);
  g_assert_cmpuint (f->pio.n_ranges, ==, 0);
  bus_destroy (&f->pio);
}

static uint32_t
rd (struct fixture *f, uint16_t port, unsigned size)
{
  uint32_t v = 0;

  bus_read (&f->pio, port, &v, size);
  return v;
}

static void
wr (struct fixture *f, uint16_t port, unsigned size, uint32_t v)
{
  bus_write (&f->pio, port, &v, size);
}

static void
test_power_button (struct fixture *f, gconstpointer data)
{
  g_assert_cmphex (rd (f, BASE + 4, 2) & 1, ==, 1); /* SCI_EN from reset */
  /* Not enabled: status only. */
  g_assert_false (pm_power_button (&f->pm));
  g_assert_cmphex (rd (f, BASE, 2), ==, 0x100);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 0);
  wr (f, BASE, 2, 0x100);
  g_assert_cmphex (rd (f, BASE, 2), ==, 0);

  /* The OS enables it (a 16-bit write to PM1_EN). */
  wr (f, BASE + 2, 2, 0x100);
  g_assert_cmphex (rd (f, BASE + 2, 2), ==, 0x100);
  g_assert_true (pm_power_button (&f->pm));
  g_assert_cmphex (rd (f, BASE, 4), ==, 0x01000100);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 1);
  /* Writing 0 leaves it; writing 1 clears it and the SCI drops. */
  wr (f, BASE, 2, 0);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 1);
  wr (f, BASE + 1, 1, 0x01);
  g_assert_cmphex (rd (f, BASE, 2), ==, 0);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 0);
  /* Masking drops it too. */
  pm_power_button (&f->pm);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 1);
  wr (f, BASE + 2, 2, 0);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 0);
  pm_reset (&f->pm);
  g_assert_cmphex (rd (f, BASE, 4), ==, 0);
}

static void
test_sleep (struct fixture *f, gconstpointer data)
{
  /* Linux: SLP_TYP first, then SLP_TYP | SLP_EN. */
  wr (f, BASE + 4, 2, 1 | PM_SLP_TYP_S5 << 10);
  g_assert_cmpuint (f->requests[VM_REQUEST_POWEROFF], ==, 0);
  g_assert_cmphex (rd (f, BASE + 4, 2), ==, 1 | PM_SLP_TYP_S5 << 10);
  wr (f, BASE + 4, 2, 1 | PM_SLP_TYP_S5 << 10 | PM1_CNT_SLP_EN);
  g_assert_cmpuint (f->requests[VM_REQUEST_POWEROFF], ==, 1);
  g_assert_cmphex (rd (f, BASE + 4, 2) & PM1_CNT_SLP_EN, ==, 0); /* write-only */
  /* Other sleep types are not offered. */
  wr (f, BASE + 4, 2, 1 | 3 << 10 | PM1_CNT_SLP_EN);
  g_assert_cmpuint (f->requests[VM_REQUEST_POWEROFF], ==, 1);
  g_assert_cmpuint (f->requests[VM_REQUEST_RESET], ==, 0);
}

static void
test_reset_register (struct fixture *f, gconstpointer data)
{
  wr (f, PM_RESET_PORT, 1, 0x02);
  g_assert_cmpuint (f->requests[VM_REQUEST_RESET], ==, 0);
  g_assert_cmphex (rd (f, PM_RESET_PORT, 1), ==, 0x02);
  wr (f, PM_RESET_PORT, 1, PM_RESET_VALUE);
  g_assert_cmpuint (f->requests[VM_REQUEST_RESET], ==, 1);
  /* Only byte writes count. */
  wr (f, PM_RESET_PORT, 4, 0xffffffff);
  g_assert_cmpuint (f->requests[VM_REQUEST_RESET], ==, 1);
}

static void
test_timer (struct fixture *f, gconstpointer data)
{
  gint64 t0, t1;
  uint32_t a, b, ticks;
  double rate;

  t0 = g_get_monotonic_time ();
  a = rd (f, BASE + 8, 4);
  g_usleep (200000);
  b = rd (f, BASE + 8, 4);
  t1 = g_get_monotonic_time ();
  g_assert_cmphex (a & 0xff000000, ==, 0);
  g_assert_cmphex (b & 0xff000000, ==, 0);
  ticks = (b - a) & 0xffffff;
  rate = ticks / ((t1 - t0) / 1e6);
  /* Generous: the sleep's own slack counts against us. */
  g_assert_cmpfloat (rate, >, PM_TIMER_HZ * 0.9);
  g_assert_cmpfloat (rate, <, PM_TIMER_HZ * 1.1);
  /* Bytewise reads see the same counter. */
  g_assert_cmpuint (rd (f, BASE + 10, 1), <=, 0xff);
}

static void
test_gpe (struct fixture *f, gconstpointer data)
{
  wr (f, BASE + 0x28, 4, 0xffffffff);
  g_assert_cmphex (rd (f, BASE + 0x28, 4), ==, 0xffffffff);
  g_assert_cmphex (rd (f, BASE + 0x20, 4), ==, 0);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 0);
  f->pm.gpe0_sts[0] = 0x01; /* as a future GPE source would */
  wr (f, BASE + 0x28, 1, 0x01);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 1);
  wr (f, BASE + 0x20, 1, 0x01);
  g_assert_cmpint (f->irqs.level[PM_SCI_IRQ], ==, 0);
  /* Past the block: ignored, reads all ones. */
  g_assert_cmphex (rd (f, BASE + 0x7e, 4), ==, 0xffff0000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) \
  g_test_add ("/Vmm/pm/" path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("power-button", test_power_button);
  ADD ("sleep", test_sleep);
  ADD ("reset-register", test_reset_register);
  ADD ("timer", test_timer);
  ADD ("gpe", test_gpe);
  return g_test_run ();
}
