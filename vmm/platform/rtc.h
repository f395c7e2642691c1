/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "bus.h"
#include "irq.h"

/*
 * MC146818 CMOS RTC at ports 0x70 (index; bit 7, the NMI mask, is ignored)
 * and 0x71 (data). The clock is the host's UTC time plus an offset the guest
 * sets by writing the time registers.
 *
 * Periodic, alarm and update-ended interrupts are not implemented: the enable
 * bits in register B are stored, register C always reads 0 (nothing pending),
 * and IRQ 8 is never raised. The update-in-progress bit is set during the last
 * 244 us of each host second, as on real hardware, so read loops end.
 */

#define RTC_PORT_BASE     0x70
#define RTC_IRQ           8
#define RTC_CMOS_SIZE     128
#define RTC_REG_CENTURY   0x32  /* FADT CENTURY points here */

struct rtc {
  pthread_mutex_t lock;
  struct bus *pio;
  struct irq_line irq;
  uint8_t index;
  uint8_t cmos[RTC_CMOS_SIZE];     /* registers A, B, D and the RAM */
  int64_t offset;                  /* guest time - host time, seconds */
  bool frozen;                     /* register B SET: time registers hold raw bytes */
  /* For tests: overrides the host clock when non-NULL. */
  void (*clock) (void *opaque, struct timespec *now);
  void *clock_opaque;
};

int rtc_init (struct rtc *rtc, struct bus *pio, const struct irq_line *irq)
  __attribute__ ((warn_unused_result));
void rtc_destroy (struct rtc *rtc);

/* CMOS RAM as firmware reads it. */
void rtc_cmos_set (struct rtc *rtc, unsigned index, uint8_t value);
uint8_t rtc_cmos_get (struct rtc *rtc, unsigned index);

/* Fills the memory-size bytes (0x15-0x18, 0x30/0x31, 0x34/0x35, 0x5b-0x5d)
 * from RAM below the PCI hole and RAM above 4 GiB, and 0x5f (CPUs - 1). */
void rtc_set_machine_info (struct rtc *rtc, uint64_t low_ram, uint64_t high_ram, unsigned n_cpus);
