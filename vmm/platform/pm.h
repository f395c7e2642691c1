/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"
#include "vm.h"

/*
 * ACPI fixed hardware in the ICH9 layout at PMBASE (0x600 by default), and the
 * reset control register at 0xCF9. The FADT (acpi.c) describes exactly these.
 *
 * There is no SMI: FADT's SMI_CMD is 0, so ACPI is always on and SCI_EN reads 1
 * from reset. The SCI is ISA IRQ 9, level-triggered and active high (the MADT
 * override says so); KVM takes our level as "asserted", whatever polarity.
 * Only S5 is offered (\_S5 in the DSDT); TMR_STS never sets (no timer SCI).
 */

#define PM_BLOCK_LEN       0x80
#define PM1_EVT_OFFSET     0x00   /* PM1_STS, PM1_EN: 2 bytes each */
#define PM1_EVT_LEN        4
#define PM1_CNT_OFFSET     0x04
#define PM1_CNT_LEN        2
#define PM_TMR_OFFSET      0x08
#define PM_TMR_LEN         4
#define PM_GPE0_OFFSET     0x20   /* GPE0_STS (8 bytes), GPE0_EN (8 bytes) */
#define PM_GPE0_LEN        16
#define PM_SMI_EN_OFFSET   0x30   /* ICH9 SMI_EN: no SMM, read-only */
#define PM_SMI_EN_APMC     (1u << 5)

#define PM_SCI_IRQ         9
#define PM_SLP_TYP_S5      7      /* ICH9's value for soft-off */
#define PM_TIMER_HZ        3579545u
#define PM_RESET_PORT      0xcf9
#define PM_RESET_VALUE     0x06

#define PM1_STS_TMR        (1u << 0)
#define PM1_STS_GBL        (1u << 5)
#define PM1_STS_PWRBTN     (1u << 8)
#define PM1_STS_RTC        (1u << 10)
#define PM1_STS_WAK        (1u << 15)
#define PM1_CNT_SCI_EN     (1u << 0)
#define PM1_CNT_SLP_EN     (1u << 13)

typedef void (*pm_request_func) (void *opaque, enum vm_request request);

struct pm {
  pthread_mutex_t lock;
  struct bus *pio;
  struct irq_line sci;
  pm_request_func request;
  void *request_opaque;
  uint16_t base;
  bool mapped;
  bool reset_mapped;
  bool sci_level;
  uint64_t timer_start_ns;
  uint16_t pm1_sts;
  uint16_t pm1_en;
  uint16_t pm1_cnt;
  uint8_t gpe0_sts[PM_GPE0_LEN / 2];
  uint8_t gpe0_en[PM_GPE0_LEN / 2];
  uint8_t reset_control;
};

/* Claims PMBASE 0x600 and 0xCF9 on @pio. @request gets POWEROFF (S5) and
 * RESET (0xCF9), from the vCPU thread that wrote the register. */
int pm_init (struct pm *pm, struct bus *pio, const struct irq_line *sci, pm_request_func request,
             void *request_opaque) __attribute__ ((warn_unused_result));
void pm_destroy (struct pm *pm);

/* Back to power-on state (VM reset); keeps the base and the free-running timer. */
void pm_reset (struct pm *pm);

/* Presses the power button: PWRBTN_STS, and an SCI if the guest enabled it.
 * Returns whether the guest had enabled it (else it will not notice). */
bool pm_power_button (struct pm *pm);

/* Moves the register block (LPC PMBASE / ACPI_CNTL writes). */
int pm_set_base (struct pm *pm, uint16_t base, bool enabled);

/* The 24-bit timer value now. */
uint32_t pm_timer_value (struct pm *pm);
