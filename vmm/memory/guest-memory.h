/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Guest RAM: one memfd (so another process, such as a display client, can map
 * it later), mapped once into the VMM and split into at most two guest-physical
 * regions: low RAM from 0 up to the PCI hole, and the rest from 4 GiB up.
 *
 * Every access a device makes to guest memory goes through guest_memory_ptr()
 * or the read/write helpers: they check that the whole range lies inside one
 * region, so a guest-controlled address can never reach host memory outside
 * its RAM. Ranges that straddle a region boundary (the PCI hole) are rejected.
 */

#define GUEST_MEMORY_MAX_REGIONS 2
#define GUEST_MEMORY_HIGH_BASE   0x100000000ull

struct guest_memory_region {
  uint64_t gpa;        /* guest-physical start */
  uint64_t size;
  uint8_t *host;       /* where it is mapped in this process */
  uint64_t fd_offset;  /* its offset in the memfd */
};

struct guest_memory {
  int fd;
  uint8_t *base;       /* the whole memfd mapping */
  uint64_t size;       /* total RAM */
  unsigned n_regions;
  struct guest_memory_region regions[GUEST_MEMORY_MAX_REGIONS];
};

/*
 * Creates @size bytes of RAM. RAM above @low_limit (the start of the PCI hole)
 * moves to GUEST_MEMORY_HIGH_BASE. Returns 0 or -errno (logged).
 */
int guest_memory_init (struct guest_memory *mem, uint64_t size, uint64_t low_limit)
  __attribute__ ((warn_unused_result));

void guest_memory_destroy (struct guest_memory *mem);

/* Host pointer for [gpa, gpa + len) when it lies in one region, else NULL.
 * len 0 is valid when gpa itself is inside RAM (or at its very end). */
void *guest_memory_ptr (const struct guest_memory *mem, uint64_t gpa, uint64_t len);

/* Copies; -EFAULT (not logged: the caller knows what the guest asked for). */
int guest_memory_read (const struct guest_memory *mem, uint64_t gpa, void *buf, size_t len);
int guest_memory_write (const struct guest_memory *mem, uint64_t gpa, const void *buf, size_t len);

/* Bytes of RAM that lie below the PCI hole, and the end of RAM's top region. */
uint64_t guest_memory_low_size (const struct guest_memory *mem);
uint64_t guest_memory_end (const struct guest_memory *mem);

/* Clears all RAM (a reset); keeps the mapping. */
void guest_memory_clear (struct guest_memory *mem);
