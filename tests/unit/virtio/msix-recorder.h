/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* An MSI-X delivery that records what would have reached the CPUs. */

#include <glib.h>

#include "pci/msix.h"

#define RECORDER_MAX 64

struct msix_recorder {
  unsigned n;
  unsigned fired;
  unsigned last_vector;
  uint64_t last_address;
  uint32_t last_data;
  unsigned updates;
  gboolean torn_down;
  unsigned fired_per_vector[RECORDER_MAX];
};

static inline int
msix_recorder_setup (void *opaque, unsigned n)
{
  struct msix_recorder *r = opaque;

  r->n = n;
  return n <= RECORDER_MAX ? 0 : -ENOSPC;
}

static inline void
msix_recorder_update (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msix_recorder *r = opaque;

  g_assert_cmpuint (vector, <, r->n);
  r->updates++;
}

static inline void
msix_recorder_fire (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msix_recorder *r = opaque;

  g_assert_cmpuint (vector, <, r->n);
  __atomic_add_fetch (&r->fired, 1, __ATOMIC_SEQ_CST);
  __atomic_add_fetch (&r->fired_per_vector[vector], 1, __ATOMIC_SEQ_CST);
  r->last_vector = vector;
  r->last_address = address;
  r->last_data = data;
}

static inline void
msix_recorder_teardown (void *opaque)
{
  ((struct msix_recorder *) opaque)->torn_down = TRUE;
}

static const struct msix_delivery_ops msix_recorder_ops = {
  .setup = msix_recorder_setup,
  .update = msix_recorder_update,
  .fire = msix_recorder_fire,
  .teardown = msix_recorder_teardown,
};

static inline struct msix_delivery
msix_recorder_delivery (struct msix_recorder *r)
{
  memset (r, 0, sizeof *r);
  return (struct msix_delivery) { &msix_recorder_ops, r };
}
