/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pm"

#include "config.h"

#include "pm.h"

#include "log.h"
#include "platform/pci-host.h"

#include <errno.h>
#include <glib.h>
#include <string.h>
#include <time.h>

#define PM1_STS_W1C   (PM1_STS_TMR | (1u << 4) | PM1_STS_GBL | PM1_STS_PWRBTN | PM1_STS_RTC | \
                       (1u << 14) | PM1_STS_WAK)
#define PM1_EN_MASK   (PM1_STS_TMR | PM1_STS_GBL | PM1_STS_PWRBTN | PM1_STS_RTC)
#define PM1_CNT_MASK  0x1c06u  /* BM_RLD, GBL_RLS, SLP_TYP; SCI_EN is fixed on */
#define PM_RESET_CPU  0x04

static uint64_t
pm_now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static uint32_t
pm_timer_locked (struct pm *pm)
{
  unsigned __int128 ticks = (unsigned __int128) (pm_now_ns () - pm->timer_start_ns) * PM_TIMER_HZ;

  return (uint32_t) (ticks / 1000000000u) & 0xffffff;
}

uint32_t
pm_timer_value (struct pm *pm)
{
  uint32_t v;

  pthread_mutex_lock (&pm->lock);
  v = pm_timer_locked (pm);
  pthread_mutex_unlock (&pm->lock);
  return v;
}

static void
pm_update_sci (struct pm *pm)
{
  bool level = false;
  unsigned i;

  if (pm->pm1_cnt & PM1_CNT_SCI_EN)
    {
      level = (pm->pm1_sts & pm->pm1_en & PM1_EN_MASK) != 0;
      for (i = 0; i < sizeof pm->gpe0_sts; i++)
        level |= (pm->gpe0_sts[i] & pm->gpe0_en[i]) != 0;
    }
  if (level != pm->sci_level)
    {
      pm->sci_level = level;
      irq_line_set (&pm->sci, level);
    }
}

static uint8_t
pm_read_byte (struct pm *pm, unsigned off, uint32_t timer)
{
  switch (off)
    {
    case 0x00: case 0x01:
      return pm->pm1_sts >> (8 * (off & 1));
    case 0x02: case 0x03:
      return pm->pm1_en >> (8 * (off & 1));
    case 0x04: case 0x05:
      return pm->pm1_cnt >> (8 * (off & 1));
    case 0x08: case 0x09: case 0x0a: case 0x0b:
      return timer >> (8 * (off - 0x08));
    case PM_SMI_EN_OFFSET:
      /* APMC_EN reads set: "SMM is already set up", so SeaBIOS does not try
       * to enter SMM, which KVM machines here do not have. */
      return PM_SMI_EN_APMC;
    default:
      if (off >= PM_GPE0_OFFSET && off < PM_GPE0_OFFSET + PM_GPE0_LEN / 2)
        return pm->gpe0_sts[off - PM_GPE0_OFFSET];
      if (off >= PM_GPE0_OFFSET + PM_GPE0_LEN / 2 && off < PM_GPE0_OFFSET + PM_GPE0_LEN)
        return pm->gpe0_en[off - PM_GPE0_OFFSET - PM_GPE0_LEN / 2];
      return 0;
    }
}

static void
pm_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct pm *pm = opaque;
  uint8_t *p = data;
  uint32_t timer;
  unsigned i;

  pthread_mutex_lock (&pm->lock);
  timer = pm_timer_locked (pm);
  for (i = 0; i < size; i++)
    p[i] = offset + i < PM_BLOCK_LEN ? pm_read_byte (pm, offset + i, timer) : 0xff;
  pthread_mutex_unlock (&pm->lock);
}

/* Returns the request the write makes, if any. */
static enum vm_request
pm_write_byte (struct pm *pm, unsigned off, uint8_t v)
{
  unsigned shift = 8 * (off & 1);

  switch (off)
    {
    case 0x00: case 0x01:
      pm->pm1_sts &= ~(((uint16_t) v << shift) & PM1_STS_W1C);
      break;
    case 0x02: case 0x03:
      pm->pm1_en = (pm->pm1_en & ~(0xffu << shift)) | (((uint16_t) v << shift) & PM1_EN_MASK);
      break;
    case 0x04:
      pm->pm1_cnt = (pm->pm1_cnt & 0xff00) | (v & PM1_CNT_MASK & 0xff) | PM1_CNT_SCI_EN;
      break;
    case 0x05:
      pm->pm1_cnt = (pm->pm1_cnt & 0x00ff) | (((uint16_t) v << 8) & PM1_CNT_MASK);
      if ((uint16_t) v << 8 & PM1_CNT_SLP_EN)
        {
          unsigned typ = (pm->pm1_cnt >> 10) & 7;

          if (typ == PM_SLP_TYP_S5)
            return VM_REQUEST_POWEROFF;
          vmm_guest_error ("sleep type %u requested, only S5 (%u) is offered", typ, PM_SLP_TYP_S5);
        }
      break;
    default:
      if (off >= PM_GPE0_OFFSET && off < PM_GPE0_OFFSET + PM_GPE0_LEN / 2)
        pm->gpe0_sts[off - PM_GPE0_OFFSET] &= ~v;
      else if (off >= PM_GPE0_OFFSET + PM_GPE0_LEN / 2 && off < PM_GPE0_OFFSET + PM_GPE0_LEN)
        pm->gpe0_en[off - PM_GPE0_OFFSET - PM_GPE0_LEN / 2] = v;
      break;
    }
  return VM_REQUEST_NONE;
}

static void
pm_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct pm *pm = opaque;
  const uint8_t *p = data;
  enum vm_request req = VM_REQUEST_NONE, r;
  unsigned i;

  pthread_mutex_lock (&pm->lock);
  for (i = 0; i < size && offset + i < PM_BLOCK_LEN; i++)
    if ((r = pm_write_byte (pm, offset + i, p[i])) != VM_REQUEST_NONE)
      req = r;
  pm_update_sci (pm);
  pthread_mutex_unlock (&pm->lock);
  if (req != VM_REQUEST_NONE && pm->request)
    pm->request (pm->request_opaque, req);
}

static void
pm_reset_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct pm *pm = opaque;

  memset (data, 0xff, size);
  if (offset == 0)
    {
      pthread_mutex_lock (&pm->lock);
      *(uint8_t *) data = pm->reset_control;
      pthread_mutex_unlock (&pm->lock);
    }
}

static void
pm_reset_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct pm *pm = opaque;
  uint8_t v = *(const uint8_t *) data;

  if (offset != 0 || size != 1)
    return;
  pthread_mutex_lock (&pm->lock);
  pm->reset_control = v & 0x0a; /* SYS_RST, FULL_RST are kept; RST_CPU is a trigger */
  pthread_mutex_unlock (&pm->lock);
  /* 0x02 then 0x06 (Linux), or 0x06 straight (ACPI RESET_REG): both reset. */
  if ((v & PM_RESET_CPU) && pm->request)
    pm->request (pm->request_opaque, VM_REQUEST_RESET);
}

static const struct bus_ops pm_ops = { pm_read, pm_write };
static const struct bus_ops pm_reset_ops = { pm_reset_read, pm_reset_write };

int
pm_init (struct pm *pm, struct bus *pio, const struct irq_line *sci, pm_request_func request,
         void *request_opaque)
{
  int ret;

  memset (pm, 0, sizeof *pm);
  pthread_mutex_init (&pm->lock, NULL);
  pm->pio = pio;
  if (sci)
    pm->sci = *sci;
  pm->request = request;
  pm->request_opaque = request_opaque;
  pm->timer_start_ns = pm_now_ns ();
  pm_reset (pm);

  if ((ret = bus_register (pio, PM_RESET_PORT, 1, &pm_reset_ops, pm, "reset-control")) < 0)
    {
      vmm_error ("Cannot claim the reset control port 0x%x: %s", PM_RESET_PORT, g_strerror (-ret));
      pthread_mutex_destroy (&pm->lock);
      return ret;
    }
  pm->reset_mapped = true;
  if ((ret = pm_set_base (pm, PCI_HOST_PMBASE_DEFAULT, true)) < 0)
    {
      pm_destroy (pm);
      return ret;
    }
  return 0;
}

void
pm_destroy (struct pm *pm)
{
  pm_set_base (pm, pm->base, false);
  if (pm->reset_mapped)
    bus_unregister (pm->pio, PM_RESET_PORT);
  pm->reset_mapped = false;
  pthread_mutex_destroy (&pm->lock);
}

void
pm_reset (struct pm *pm)
{
  pthread_mutex_lock (&pm->lock);
  pm->pm1_sts = 0;
  pm->pm1_en = 0;
  pm->pm1_cnt = PM1_CNT_SCI_EN;
  memset (pm->gpe0_sts, 0, sizeof pm->gpe0_sts);
  memset (pm->gpe0_en, 0, sizeof pm->gpe0_en);
  pm->reset_control = 0;
  pm_update_sci (pm);
  pthread_mutex_unlock (&pm->lock);
}

bool
pm_power_button (struct pm *pm)
{
  bool enabled;

  pthread_mutex_lock (&pm->lock);
  pm->pm1_sts |= PM1_STS_PWRBTN;
  enabled = (pm->pm1_en & PM1_STS_PWRBTN) && (pm->pm1_cnt & PM1_CNT_SCI_EN);
  pm_update_sci (pm);
  pthread_mutex_unlock (&pm->lock);
  return enabled;
}

int
pm_set_base (struct pm *pm, uint16_t base, bool enabled)
{
  int ret = 0;

  base &= ~(PM_BLOCK_LEN - 1);
  pthread_mutex_lock (&pm->lock);
  if (pm->mapped && (!enabled || base != pm->base))
    {
      bus_unregister (pm->pio, pm->base);
      pm->mapped = false;
    }
  pm->base = base;
  /* Base 0 is where firmware parks it before programming. */
  if (enabled && !pm->mapped && base != 0)
    {
      ret = bus_register (pm->pio, base, PM_BLOCK_LEN, &pm_ops, pm, "acpi-pm");
      if (ret < 0)
        vmm_guest_error ("ACPI PM block at 0x%x not mapped: %s", base, g_strerror (-ret));
      else
        pm->mapped = true;
    }
  pthread_mutex_unlock (&pm->lock);
  return ret;
}
