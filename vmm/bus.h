/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

/*
 * An address space that devices claim ranges of: one for port I/O, one for
 * MMIO. vCPU threads dispatch their exits here concurrently. The range table
 * is looked up under a read lock that is dropped before the device's handler
 * runs, so a handler may itself (un)register ranges, as a PCI BAR write does.
 * Devices live until the VM is torn down, after the vCPUs stopped.
 *
 * Handlers get the offset into their range and an access of 1, 2, 4 or 8
 * bytes in guest (little-endian) byte order. Devices do their own locking.
 */

struct bus_ops {
  void (*read) (void *opaque, uint64_t offset, void *data, unsigned size);
  void (*write) (void *opaque, uint64_t offset, const void *data, unsigned size);
};

struct bus_range {
  uint64_t base;
  uint64_t len;
  const struct bus_ops *ops;
  void *opaque;
  const char *name;
};

struct bus {
  const char *name;
  pthread_rwlock_t lock;
  struct bus_range *ranges; /* sorted by base, never overlapping */
  unsigned n_ranges;
  unsigned capacity;
};

void bus_init (struct bus *bus, const char *name);
void bus_destroy (struct bus *bus);

/* -EEXIST when the range overlaps another, -EINVAL when empty or wrapping. */
int bus_register (struct bus *bus, uint64_t base, uint64_t len, const struct bus_ops *ops,
                  void *opaque, const char *name) __attribute__ ((warn_unused_result));

/* Removes the range that starts at @base; -ENOENT if there is none. */
int bus_unregister (struct bus *bus, uint64_t base);

/*
 * Dispatches an access. Returns false when no device claims @addr (reads then
 * return all ones, like an unclaimed bus). An access that runs past the end of
 * the claiming range is still sent: the device checks offset + size.
 */
bool bus_read (struct bus *bus, uint64_t addr, void *data, unsigned size);
bool bus_write (struct bus *bus, uint64_t addr, const void *data, unsigned size);
