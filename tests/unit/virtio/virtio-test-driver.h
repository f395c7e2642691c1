/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/*
 * The guest driver's side of a split virtqueue, for tests: rings and
 * buffers written straight into a struct guest_memory.
 */

#include <glib.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "memory/guest-memory.h"
#include "virtio/virtqueue.h"

struct test_vq {
  struct guest_memory *mem;
  uint16_t size;
  uint64_t desc, avail, used;
  uint16_t avail_idx;
  uint16_t used_seen;
};

static inline void *
tvq_ptr (struct test_vq *t, uint64_t gpa, uint64_t len)
{
  void *p = guest_memory_ptr (t->mem, gpa, len);

  g_assert_nonnull (p);
  return p;
}

/* Rings at @base (zeroed); fills in @vq's driver-set fields. */
static inline void
tvq_init (struct test_vq *t, struct guest_memory *mem, struct virtqueue *vq, uint16_t size,
          uint64_t base)
{
  memset (t, 0, sizeof *t);
  t->mem = mem;
  t->size = size;
  t->desc = base;
  t->avail = base + 16ull * size;
  t->used = (t->avail + 6 + 2ull * size + 3) & ~3ull;
  memset (tvq_ptr (t, base, t->used + 6 + 8ull * size - base), 0, t->used + 6 + 8ull * size - base);
  if (vq)
    {
      vq->size = size;
      vq->desc_gpa = t->desc;
      vq->avail_gpa = t->avail;
      vq->used_gpa = t->used;
    }
}

static inline void
tvq_set_desc_in (struct test_vq *t, uint64_t table, uint16_t i, uint64_t addr, uint32_t len,
                 uint16_t flags, uint16_t next)
{
  struct vring_desc *d = tvq_ptr (t, table + 16ull * i, 16);

  d->addr = addr;
  d->len = len;
  d->flags = flags;
  d->next = next;
}

static inline void
tvq_set_desc (struct test_vq *t, uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
              uint16_t next)
{
  tvq_set_desc_in (t, t->desc, i, addr, len, flags, next);
}

static inline void
tvq_publish (struct test_vq *t, uint16_t head)
{
  struct vring_avail *a = tvq_ptr (t, t->avail, 6 + 2ull * t->size);

  a->ring[t->avail_idx % t->size] = head;
  t->avail_idx++;
  __atomic_store_n (&a->idx, t->avail_idx, __ATOMIC_RELEASE);
}

static inline void
tvq_set_avail_idx (struct test_vq *t, uint16_t idx)
{
  struct vring_avail *a = tvq_ptr (t, t->avail, 6 + 2ull * t->size);

  a->idx = idx;
}

static inline void
tvq_set_used_event (struct test_vq *t, uint16_t event)
{
  struct vring_avail *a = tvq_ptr (t, t->avail, 6 + 2ull * t->size);

  a->ring[t->size] = event;
}

static inline void
tvq_set_avail_flags (struct test_vq *t, uint16_t flags)
{
  struct vring_avail *a = tvq_ptr (t, t->avail, 6 + 2ull * t->size);

  a->flags = flags;
}

static inline uint16_t
tvq_avail_event (struct test_vq *t)
{
  struct vring_used *u = tvq_ptr (t, t->used, 6 + 8ull * t->size);

  return *(uint16_t *) &u->ring[t->size];
}

static inline uint16_t
tvq_used_idx (struct test_vq *t)
{
  struct vring_used *u = tvq_ptr (t, t->used, 6 + 8ull * t->size);

  return __atomic_load_n (&u->idx, __ATOMIC_ACQUIRE);
}

/* The next used element, or FALSE when there is none. */
static inline gboolean
tvq_get_used (struct test_vq *t, uint32_t *id, uint32_t *len)
{
  struct vring_used *u = tvq_ptr (t, t->used, 6 + 8ull * t->size);

  if (tvq_used_idx (t) == t->used_seen)
    return FALSE;
  *id = u->ring[t->used_seen % t->size].id;
  *len = u->ring[t->used_seen % t->size].len;
  t->used_seen++;
  return TRUE;
}
