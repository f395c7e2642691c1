/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "rtc"

#include "config.h"

#include "rtc.h"

#include "log.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define RTC_SEC     0x00
#define RTC_MIN     0x02
#define RTC_HOUR    0x04
#define RTC_WDAY    0x06
#define RTC_MDAY    0x07
#define RTC_MON     0x08
#define RTC_YEAR    0x09
#define RTC_REG_A   0x0a
#define RTC_REG_B   0x0b
#define RTC_REG_C   0x0c
#define RTC_REG_D   0x0d

#define RTC_A_UIP   0x80
#define RTC_A_DV_NORMAL 0x20   /* 32.768 kHz time base, running */
#define RTC_B_SET   0x80
#define RTC_B_UIE   0x10
#define RTC_B_DM_BINARY 0x04
#define RTC_B_24H   0x02
#define RTC_D_VRT   0x80
#define RTC_UIP_US  244        /* the update cycle, before each second ends */

static void
rtc_now (struct rtc *rtc, struct timespec *now)
{
  if (rtc->clock)
    rtc->clock (rtc->clock_opaque, now);
  else
    clock_gettime (CLOCK_REALTIME, now);
}

/* The guest's current time, broken down (UTC). */
static void
rtc_guest_tm (struct rtc *rtc, struct tm *tm)
{
  struct timespec now;
  time_t t;

  rtc_now (rtc, &now);
  t = now.tv_sec + rtc->offset;
  gmtime_r (&t, tm);
}

static uint8_t
rtc_encode (struct rtc *rtc, unsigned v)
{
  v %= 100;
  if (rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY)
    return v;
  return (v / 10) << 4 | (v % 10);
}

static unsigned
rtc_decode (struct rtc *rtc, uint8_t v)
{
  if (rtc->cmos[RTC_REG_B] & RTC_B_DM_BINARY)
    return v;
  return (v >> 4) * 10 + (v & 0xf);
}

static uint8_t
rtc_read_time (struct rtc *rtc, unsigned reg)
{
  struct tm tm;
  unsigned year;

  if (rtc->frozen)
    return rtc->cmos[reg];
  rtc_guest_tm (rtc, &tm);
  year = tm.tm_year + 1900;
  switch (reg)
    {
    case RTC_SEC:
      return rtc_encode (rtc, tm.tm_sec);
    case RTC_MIN:
      return rtc_encode (rtc, tm.tm_min);
    case RTC_HOUR:
      if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
        return rtc_encode (rtc, tm.tm_hour);
      return rtc_encode (rtc, tm.tm_hour % 12 ? tm.tm_hour % 12 : 12) |
             (tm.tm_hour >= 12 ? 0x80 : 0);
    case RTC_WDAY:
      return rtc_encode (rtc, tm.tm_wday + 1);
    case RTC_MDAY:
      return rtc_encode (rtc, tm.tm_mday);
    case RTC_MON:
      return rtc_encode (rtc, tm.tm_mon + 1);
    case RTC_YEAR:
      return rtc_encode (rtc, year % 100);
    case RTC_REG_CENTURY:
      return rtc_encode (rtc, year / 100);
    default:
      return 0;
    }
}

static unsigned
rtc_decode_hour (struct rtc *rtc, uint8_t v)
{
  if (rtc->cmos[RTC_REG_B] & RTC_B_24H)
    return rtc_decode (rtc, v);
  return rtc_decode (rtc, v & 0x7f) % 12 + ((v & 0x80) ? 12 : 0);
}

/* Sets the clock so that it reads @tm now. Guest values are bytes, so timegm
 * stays in range; it normalizes nonsense such as second 99 as an update would. */
static void
rtc_set_guest_tm (struct rtc *rtc, struct tm *tm)
{
  struct timespec now;
  time_t t = timegm (tm);

  rtc_now (rtc, &now);
  rtc->offset = (int64_t) t - now.tv_sec;
}

static void
rtc_write_time (struct rtc *rtc, unsigned reg, uint8_t v)
{
  struct tm tm;
  unsigned year;

  if (rtc->frozen)
    {
      /* Fields are taken together when SET clears, as on the real chip. */
      rtc->cmos[reg] = v;
      return;
    }
  rtc_guest_tm (rtc, &tm);
  year = tm.tm_year + 1900;
  switch (reg)
    {
    case RTC_SEC:
      tm.tm_sec = rtc_decode (rtc, v);
      break;
    case RTC_MIN:
      tm.tm_min = rtc_decode (rtc, v);
      break;
    case RTC_HOUR:
      tm.tm_hour = rtc_decode_hour (rtc, v);
      break;
    case RTC_MDAY:
      tm.tm_mday = rtc_decode (rtc, v);
      break;
    case RTC_MON:
      tm.tm_mon = (int) rtc_decode (rtc, v) - 1;
      break;
    case RTC_YEAR:
      tm.tm_year = year / 100 * 100 + rtc_decode (rtc, v) % 100 - 1900;
      break;
    case RTC_REG_CENTURY:
      tm.tm_year = rtc_decode (rtc, v) * 100 + year % 100 - 1900;
      break;
    default:
      return; /* the day of the week follows from the date */
    }
  rtc_set_guest_tm (rtc, &tm);
}

static void
rtc_freeze (struct rtc *rtc)
{
  static const uint8_t regs[] = { RTC_SEC, RTC_MIN, RTC_HOUR, RTC_WDAY, RTC_MDAY,
                                  RTC_MON, RTC_YEAR, RTC_REG_CENTURY };
  unsigned i;

  for (i = 0; i < G_N_ELEMENTS (regs); i++)
    rtc->cmos[regs[i]] = rtc_read_time (rtc, regs[i]);
  rtc->frozen = true;
}

static void
rtc_thaw (struct rtc *rtc)
{
  struct tm tm = {
    .tm_sec = rtc_decode (rtc, rtc->cmos[RTC_SEC]),
    .tm_min = rtc_decode (rtc, rtc->cmos[RTC_MIN]),
    .tm_hour = rtc_decode_hour (rtc, rtc->cmos[RTC_HOUR]),
    .tm_mday = rtc_decode (rtc, rtc->cmos[RTC_MDAY]),
    .tm_mon = (int) rtc_decode (rtc, rtc->cmos[RTC_MON]) - 1,
    .tm_year = (int) (rtc_decode (rtc, rtc->cmos[RTC_REG_CENTURY]) * 100 +
                      rtc_decode (rtc, rtc->cmos[RTC_YEAR]) % 100) - 1900,
  };

  rtc->frozen = false;
  rtc_set_guest_tm (rtc, &tm);
}

static uint8_t
rtc_read_reg (struct rtc *rtc, unsigned reg)
{
  struct timespec now;
  uint8_t a;

  switch (reg)
    {
    case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_WDAY:
    case RTC_MDAY: case RTC_MON: case RTC_YEAR: case RTC_REG_CENTURY:
      return rtc_read_time (rtc, reg);
    case RTC_REG_A:
      a = rtc->cmos[RTC_REG_A] & 0x7f;
      if (!rtc->frozen && (a & 0x70) == RTC_A_DV_NORMAL)
        {
          rtc_now (rtc, &now);
          if (now.tv_nsec >= (1000000 - RTC_UIP_US) * 1000l)
            a |= RTC_A_UIP;
        }
      return a;
    case RTC_REG_C:
      return 0; /* no interrupt sources implemented */
    case RTC_REG_D:
      return RTC_D_VRT;
    default:
      return rtc->cmos[reg];
    }
}

static void
rtc_write_reg (struct rtc *rtc, unsigned reg, uint8_t v)
{
  switch (reg)
    {
    case RTC_SEC: case RTC_MIN: case RTC_HOUR: case RTC_WDAY:
    case RTC_MDAY: case RTC_MON: case RTC_YEAR: case RTC_REG_CENTURY:
      rtc_write_time (rtc, reg, v);
      break;
    case RTC_REG_A:
      rtc->cmos[RTC_REG_A] = v & 0x7f;
      break;
    case RTC_REG_B:
      if ((v & RTC_B_SET) && !rtc->frozen)
        rtc_freeze (rtc);
      rtc->cmos[RTC_REG_B] = (v & RTC_B_SET) ? v & ~RTC_B_UIE : v;
      /* After B's new mode: the fields are read the way the guest wrote them. */
      if (!(v & RTC_B_SET) && rtc->frozen)
        rtc_thaw (rtc);
      break;
    case RTC_REG_C:
    case RTC_REG_D:
      break; /* read-only */
    default:
      rtc->cmos[reg] = v;
      break;
    }
}

static void
rtc_io_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct rtc *rtc = opaque;
  uint8_t *p = data;

  memset (data, 0xff, size);
  if (offset != 1)
    return; /* the index port is write-only */
  pthread_mutex_lock (&rtc->lock);
  p[0] = rtc_read_reg (rtc, rtc->index);
  pthread_mutex_unlock (&rtc->lock);
}

static void
rtc_io_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct rtc *rtc = opaque;
  uint8_t v = *(const uint8_t *) data;

  pthread_mutex_lock (&rtc->lock);
  if (offset == 0)
    rtc->index = v & 0x7f; /* bit 7 masks NMI on real boards: nothing to mask here */
  else if (offset == 1)
    rtc_write_reg (rtc, rtc->index, v);
  pthread_mutex_unlock (&rtc->lock);
}

static const struct bus_ops rtc_ops = { rtc_io_read, rtc_io_write };

int
rtc_init (struct rtc *rtc, struct bus *pio, const struct irq_line *irq)
{
  int ret;

  memset (rtc, 0, sizeof *rtc);
  pthread_mutex_init (&rtc->lock, NULL);
  rtc->pio = pio;
  if (irq)
    rtc->irq = *irq;
  rtc->cmos[RTC_REG_A] = RTC_A_DV_NORMAL | 0x06; /* 1024 Hz periodic rate */
  rtc->cmos[RTC_REG_B] = RTC_B_24H;              /* BCD, 24-hour */
  if ((ret = bus_register (pio, RTC_PORT_BASE, 2, &rtc_ops, rtc, "rtc")) < 0)
    {
      vmm_error ("Cannot claim the RTC ports: %s", g_strerror (-ret));
      pthread_mutex_destroy (&rtc->lock);
      return ret;
    }
  return 0;
}

void
rtc_destroy (struct rtc *rtc)
{
  bus_unregister (rtc->pio, RTC_PORT_BASE);
  pthread_mutex_destroy (&rtc->lock);
}

void
rtc_cmos_set (struct rtc *rtc, unsigned index, uint8_t value)
{
  g_return_if_fail (index < RTC_CMOS_SIZE);
  pthread_mutex_lock (&rtc->lock);
  rtc->cmos[index] = value;
  pthread_mutex_unlock (&rtc->lock);
}

uint8_t
rtc_cmos_get (struct rtc *rtc, unsigned index)
{
  uint8_t v;

  g_return_val_if_fail (index < RTC_CMOS_SIZE, 0xff);
  pthread_mutex_lock (&rtc->lock);
  v = rtc_read_reg (rtc, index);
  pthread_mutex_unlock (&rtc->lock);
  return v;
}

static void
rtc_cmos_set16 (struct rtc *rtc, unsigned index, uint64_t v)
{
  v = MIN (v, 0xffff);
  rtc->cmos[index] = v;
  rtc->cmos[index + 1] = v >> 8;
}

void
rtc_set_machine_info (struct rtc *rtc, uint64_t low_ram, uint64_t high_ram, unsigned n_cpus)
{
  const uint64_t mib = 1024 * 1024;
  uint64_t high_units = MIN (high_ram / 65536, 0xffffff);

  pthread_mutex_lock (&rtc->lock);
  rtc_cmos_set16 (rtc, 0x15, 640);                                     /* base memory, KiB */
  rtc_cmos_set16 (rtc, 0x17, low_ram > mib ? (low_ram - mib) / 1024 : 0);   /* above 1 MiB */
  rtc_cmos_set16 (rtc, 0x30, low_ram > mib ? (low_ram - mib) / 1024 : 0);
  rtc_cmos_set16 (rtc, 0x34, low_ram > 16 * mib ? (low_ram - 16 * mib) / 65536 : 0);
  rtc->cmos[0x5b] = high_units;
  rtc->cmos[0x5c] = high_units >> 8;
  rtc->cmos[0x5d] = high_units >> 16;
  rtc->cmos[0x5f] = n_cpus ? n_cpus - 1 : 0;
  pthread_mutex_unlock (&rtc->lock);
}
