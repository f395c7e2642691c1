/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtqueue"

#include "config.h"

#include "virtqueue.h"

#include <errno.h>
#include <glib.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "log.h"

/* vring_desc_t etc. in the UAPI header are little-endian, like x86. */
G_STATIC_ASSERT (G_BYTE_ORDER == G_LITTLE_ENDIAN);

void
virtqueue_init (struct virtqueue *vq, const struct guest_memory *mem, uint16_t max_size)
{
  memset (vq, 0, sizeof *vq);
  vq->mem = mem;
  vq->max_size = MIN (max_size, VIRTQUEUE_MAX_SIZE);
  vq->iov = g_new0 (struct iovec, vq->max_size);
  virtqueue_reset (vq);
}

void
virtqueue_destroy (struct virtqueue *vq)
{
  g_clear_pointer (&vq->iov, g_free);
}

void
virtqueue_reset (struct virtqueue *vq)
{
  vq->size = vq->max_size;
  vq->desc_gpa = vq->avail_gpa = vq->used_gpa = 0;
  vq->event_idx = vq->indirect = false;
  vq->ready = vq->broken = false;
  vq->desc = NULL;
  vq->avail = NULL;
  vq->used = NULL;
  vq->last_avail_idx = vq->used_idx = 0;
  vq->signalled_used = 0;
  vq->signalled_used_valid = false;
  vq->unsignalled = false;
}

int
virtqueue_enable (struct virtqueue *vq)
{
  uint64_t n = vq->size;

  if (n == 0 || (n & (n - 1)) || n > vq->max_size)
    {
      vmm_guest_error ("virtqueue size %u is not a power of two up to %u", vq->size,
                       vq->max_size);
      return -EINVAL;
    }
  /* Alignment from the spec; it also keeps our atomic accesses aligned. */
  if (vq->desc_gpa % 16 || vq->avail_gpa % 2 || vq->used_gpa % 4)
    {
      vmm_guest_error ("virtqueue rings are misaligned");
      return -EINVAL;
    }
  vq->desc = guest_memory_ptr (vq->mem, vq->desc_gpa, n * sizeof (struct vring_desc));
  vq->avail = guest_memory_ptr (vq->mem, vq->avail_gpa, 6 + 2 * n);
  vq->used = guest_memory_ptr (vq->mem, vq->used_gpa, 6 + n * sizeof (struct vring_used_elem));
  if (!vq->desc || !vq->avail || !vq->used)
    {
      vmm_guest_error ("virtqueue rings at %#" G_GINT64_MODIFIER "x/%#" G_GINT64_MODIFIER
                       "x/%#" G_GINT64_MODIFIER "x are outside RAM",
                       vq->desc_gpa, vq->avail_gpa, vq->used_gpa);
      vq->desc = NULL;
      vq->avail = NULL;
      vq->used = NULL;
      return -EINVAL;
    }
  vq->last_avail_idx = vq->used_idx = 0;
  vq->signalled_used_valid = false;
  vq->unsignalled = false;
  vq->broken = false;
  vq->ready = true;
  return 0;
}

static int
virtqueue_break (struct virtqueue *vq, const char *why)
{
  vmm_guest_error ("virtqueue broken: %s", why);
  vq->broken = true;
  return -EIO;
}

/* One copy of a descriptor the guest may be rewriting as we read. */
static void
virtqueue_read_desc (const struct vring_desc *table, unsigned i, struct vring_desc *out)
{
  out->addr = __atomic_load_n (&table[i].addr, __ATOMIC_RELAXED);
  out->len = __atomic_load_n (&table[i].len, __ATOMIC_RELAXED);
  out->flags = __atomic_load_n (&table[i].flags, __ATOMIC_RELAXED);
  out->next = __atomic_load_n (&table[i].next, __ATOMIC_RELAXED);
}

int
virtqueue_pop (struct virtqueue *vq, struct virtqueue_elem *elem)
{
  const struct vring_desc *table;
  unsigned table_size, direct_seen = 0, indirect_seen = 0, nbufs = 0;
  bool in_indirect = false;
  uint16_t avail_idx, pending, idx;
  uint64_t total = 0;

  if (vq->broken)
    return -EIO;
  if (!vq->ready)
    return 0;

  /* Acquire: the descriptors the driver wrote before bumping idx are visible. */
  avail_idx = __atomic_load_n (&vq->avail->idx, __ATOMIC_ACQUIRE);
  pending = avail_idx - vq->last_avail_idx;
  if (pending == 0)
    return 0;
  if (pending > vq->size)
    return virtqueue_break (vq, "available index moved by more than the queue size");

  idx = __atomic_load_n (&vq->avail->ring[vq->last_avail_idx & (vq->size - 1)],
                         __ATOMIC_RELAXED);
  memset (elem, 0, sizeof *elem);
  elem->head = idx;
  elem->iov = vq->iov;
  table = vq->desc;
  table_size = vq->size;

  for (;;)
    {
      struct vring_desc d;

      if (idx >= table_size)
        return virtqueue_break (vq, "descriptor index out of range");
      virtqueue_read_desc (table, idx, &d);
      if (in_indirect ? ++indirect_seen > table_size : ++direct_seen > vq->size)
        return virtqueue_break (vq, "descriptor chain longer than the queue (a loop?)");

      if (d.flags & VRING_DESC_F_INDIRECT)
        {
          if (!vq->indirect)
            return virtqueue_break (vq, "indirect descriptor not negotiated");
          if (in_indirect)
            return virtqueue_break (vq, "indirect descriptor inside an indirect table");
          if (d.flags & VRING_DESC_F_NEXT)
            return virtqueue_break (vq, "indirect descriptor with a next descriptor");
          if (d.len == 0 || d.len % sizeof (struct vring_desc) ||
              d.len / sizeof (struct vring_desc) > vq->size)
            return virtqueue_break (vq, "bad indirect table length");
          table = guest_memory_ptr (vq->mem, d.addr, d.len);
          if (!table)
            return virtqueue_break (vq, "indirect table outside RAM");
          table_size = d.len / sizeof (struct vring_desc);
          in_indirect = true;
          idx = 0;
          continue;
        }

      if (d.flags & VRING_DESC_F_WRITE)
        elem->in_num++;
      else if (elem->in_num)
        return virtqueue_break (vq, "readable descriptor after a writable one");
      else
        elem->out_num++;

      total += d.len;
      if (total > UINT32_MAX)
        return virtqueue_break (vq, "total request length overflows");

      if (d.len)
        {
          void *p = guest_memory_ptr (vq->mem, d.addr, d.len);

          if (!p)
            return virtqueue_break (vq, "buffer outside RAM or across the PCI hole");
          if (nbufs >= vq->size)
            return virtqueue_break (vq, "more buffers than the queue size");
          vq->iov[nbufs].iov_base = p;
          vq->iov[nbufs].iov_len = d.len;
          nbufs++;
          if (d.flags & VRING_DESC_F_WRITE)
            elem->in_len += d.len;
          else
            elem->out_len += d.len;
        }
      else if (d.flags & VRING_DESC_F_WRITE)
        elem->in_num--;  /* empty buffers carry nothing: drop them */
      else
        elem->out_num--;

      if (!(d.flags & VRING_DESC_F_NEXT))
        break;
      idx = d.next;
    }

  vq->last_avail_idx++;
  return 1;
}

void
virtqueue_fill (struct virtqueue *vq, const struct virtqueue_elem *elem, uint32_t written,
                unsigned n)
{
  struct vring_used_elem *e;

  if (!vq->ready || vq->broken)
    return;
  e = &vq->used->ring[(uint16_t) (vq->used_idx + n) & (vq->size - 1)];
  __atomic_store_n (&e->id, elem->head, __ATOMIC_RELAXED);
  __atomic_store_n (&e->len, (uint32_t) MIN ((uint64_t) written, elem->in_len),
                    __ATOMIC_RELAXED);
}

void
virtqueue_flush (struct virtqueue *vq, unsigned count)
{
  if (!vq->ready || vq->broken || count == 0)
    return;
  vq->used_idx += count;
  vq->unsignalled = true;
  /* Release: the elements are visible before the index that publishes them. */
  __atomic_store_n (&vq->used->idx, vq->used_idx, __ATOMIC_RELEASE);
}

void
virtqueue_push (struct virtqueue *vq, const struct virtqueue_elem *elem, uint32_t written)
{
  virtqueue_fill (vq, elem, written, 0);
  virtqueue_flush (vq, 1);
}

void
virtqueue_unpop (struct virtqueue *vq, unsigned count)
{
  vq->last_avail_idx -= count;
}

bool
virtqueue_should_notify (struct virtqueue *vq)
{
  uint16_t old, new, event;
  bool valid;

  if (!vq->ready || vq->broken)
    return false;
  old = vq->signalled_used;
  valid = vq->signalled_used_valid;
  new = vq->used_idx;
  if (!vq->unsignalled)
    return false;  /* nothing used since the last decision */
  vq->unsignalled = false;
  vq->signalled_used = new;
  vq->signalled_used_valid = true;

  /* Our used idx store must be ordered before reading the driver's wishes. */
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  if (!vq->event_idx)
    return !(__atomic_load_n (&vq->avail->flags, __ATOMIC_RELAXED) & VRING_AVAIL_F_NO_INTERRUPT);
  if (!valid)
    return true;
  event = __atomic_load_n (&vq->avail->ring[vq->size], __ATOMIC_RELAXED); /* used_event */
  /* Interrupt when used_event lies in [old, new): the spec's need_event test. */
  return (uint16_t) (new - event - 1) < (uint16_t) (new - old);
}

bool
virtqueue_enable_notify (struct virtqueue *vq)
{
  if (!vq->ready || vq->broken)
    return false;
  if (vq->event_idx)
    {
      uint16_t *avail_event = (uint16_t *) &vq->used->ring[vq->size];

      __atomic_store_n (avail_event, vq->last_avail_idx, __ATOMIC_RELAXED);
    }
  /* The driver checks avail_event after publishing idx; we do the mirror. */
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  return __atomic_load_n (&vq->avail->idx, __ATOMIC_ACQUIRE) != vq->last_avail_idx;
}

bool
virtqueue_notify_on_more (struct virtqueue *vq, unsigned have)
{
  uint16_t want = vq->last_avail_idx + have;

  if (!vq->ready || vq->broken)
    return false;
  if (vq->event_idx)
    {
      uint16_t *avail_event = (uint16_t *) &vq->used->ring[vq->size];

      __atomic_store_n (avail_event, want, __ATOMIC_RELAXED);
    }
  __atomic_thread_fence (__ATOMIC_SEQ_CST);
  return (uint16_t) (__atomic_load_n (&vq->avail->idx, __ATOMIC_ACQUIRE) - vq->last_avail_idx) >
         have;
}

size_t
virtqueue_iov_to_buf (const struct iovec *iov, unsigned n, size_t skip, void *buf, size_t len)
{
  size_t done = 0;

  for (unsigned i = 0; i < n && done < len; i++)
    {
      size_t chunk;

      if (skip >= iov[i].iov_len)
        {
          skip -= iov[i].iov_len;
          continue;
        }
      chunk = MIN (iov[i].iov_len - skip, len - done);
      memcpy ((uint8_t *) buf + done, (const uint8_t *) iov[i].iov_base + skip, chunk);
      done += chunk;
      skip = 0;
    }
  return done;
}

size_t
virtqueue_iov_from_buf (const struct iovec *iov, unsigned n, size_t skip, const void *buf,
                        size_t len)
{
  size_t done = 0;

  for (unsigned i = 0; i < n && done < len; i++)
    {
      size_t chunk;

      if (skip >= iov[i].iov_len)
        {
          skip -= iov[i].iov_len;
          continue;
        }
      chunk = MIN (iov[i].iov_len - skip, len - done);
      memcpy ((uint8_t *) iov[i].iov_base + skip, (const uint8_t *) buf + done, chunk);
      done += chunk;
      skip = 0;
    }
  return done;
}
