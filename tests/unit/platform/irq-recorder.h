/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A struct irq_line sink for tests: remembers each GSI's level and edges. */

#include <string.h>

#include "irq.h"

#define IRQ_RECORDER_GSIS 32

struct irq_recorder {
  int level[IRQ_RECORDER_GSIS];
  unsigned rises[IRQ_RECORDER_GSIS];
  unsigned calls;
};

static inline void
irq_recorder_set_level (void *opaque, unsigned gsi, int level)
{
  struct irq_recorder *r = opaque;

  g_assert_cmpuint (gsi, <, IRQ_RECORDER_GSIS);
  if (level && !r->level[gsi])
    r->rises[gsi]++;
  r->level[gsi] = level;
  r->calls++;
}

static inline struct irq_line
irq_recorder_line (struct irq_recorder *r, unsigned gsi)
{
  return (struct irq_line) { irq_recorder_set_level, r, gsi };
}
