/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "bus"

#include "config.h"

#include "bus.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

void
bus_init (struct bus *bus, const char *name)
{
  memset (bus, 0, sizeof *bus);
  bus->name = name;
  pthread_rwlock_init (&bus->lock, NULL);
}

void
bus_destroy (struct bus *bus)
{
  g_free (bus->ranges);
  pthread_rwlock_destroy (&bus->lock);
  memset (bus, 0, sizeof *bus);
}

/* Index of the first range whose base is above @addr. */
static unsigned
bus_upper_bound (const struct bus *bus, uint64_t addr)
{
  unsigned lo = 0, hi = bus->n_ranges;

  while (lo < hi)
    {
      unsigned mid = lo + (hi - lo) / 2;

      if (bus->ranges[mid].base <= addr)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

int
bus_register (struct bus *bus, uint64_t base, uint64_t len, const struct bus_ops *ops,
              void *opaque, const char *name)
{
  unsigned i;
  int ret = 0;

  if (len == 0 || base + len - 1 < base)
    return -EINVAL;

  pthread_rwlock_wrlock (&bus->lock);
  i = bus_upper_bound (bus, base);
  if ((i > 0 && bus->ranges[i - 1].base + bus->ranges[i - 1].len > base) ||
      (i < bus->n_ranges && bus->ranges[i].base <= base + len - 1))
    {
      ret = -EEXIST;
      goto out;
    }
  if (bus->n_ranges == bus->capacity)
    {
      bus->capacity = MAX (16, bus->capacity * 2);
      bus->ranges = g_renew (struct bus_range, bus->ranges, bus->capacity);
    }
  memmove (&bus->ranges[i + 1], &bus->ranges[i], (bus->n_ranges - i) * sizeof *bus->ranges);
  bus->ranges[i] = (struct bus_range) { base, len, ops, opaque, name };
  bus->n_ranges++;
out:
  pthread_rwlock_unlock (&bus->lock);
  return ret;
}

int
bus_unregister (struct bus *bus, uint64_t base)
{
  unsigned i;
  int ret = -ENOENT;

  pthread_rwlock_wrlock (&bus->lock);
  i = bus_upper_bound (bus, base);
  if (i > 0 && bus->ranges[i - 1].base == base)
    {
      i--;
      memmove (&bus->ranges[i], &bus->ranges[i + 1],
               (bus->n_ranges - i - 1) * sizeof *bus->ranges);
      bus->n_ranges--;
      ret = 0;
    }
  pthread_rwlock_unlock (&bus->lock);
  return ret;
}

static bool
bus_find (struct bus *bus, uint64_t addr, struct bus_range *out)
{
  unsigned i;
  bool found = false;

  pthread_rwlock_rdlock (&bus->lock);
  i = bus_upper_bound (bus, addr);
  if (i > 0 && addr - bus->ranges[i - 1].base < bus->ranges[i - 1].len)
    {
      *out = bus->ranges[i - 1];
      found = true;
    }
  pthread_rwlock_unlock (&bus->lock);
  return found;
}

bool
bus_read (struct bus *bus, uint64_t addr, void *data, unsigned size)
{
  struct bus_range r;

  if (!bus_find (bus, addr, &r) || !r.ops->read)
    {
      memset (data, 0xff, size);
      return false;
    }
  r.ops->read (r.opaque, addr - r.base, data, size);
  return true;
}

bool
bus_write (struct bus *bus, uint64_t addr, const void *data, unsigned size)
{
  struct bus_range r;

  if (!bus_find (bus, addr, &r) || !r.ops->write)
    return false;
  r.ops->write (r.opaque, addr - r.base, data, size);
  return true;
}
