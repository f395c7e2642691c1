/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * A wired interrupt line as a device sees it: the machine connects it to the
 * in-kernel IOAPIC/PIC (KVM_IRQ_LINE); a unit test connects it to a recorder.
 * Edge-triggered ISA devices pulse it; level-triggered ones hold it.
 */
struct irq_line {
  void (*set_level) (void *opaque, unsigned gsi, int level);
  void *opaque;
  unsigned gsi;
};

static inline void
irq_line_set (const struct irq_line *line, int level)
{
  if (line && line->set_level)
    line->set_level (line->opaque, line->gsi, level);
}

static inline void
irq_line_pulse (const struct irq_line *line)
{
  irq_line_set (line, 1);
  irq_line_set (line, 0);
}
