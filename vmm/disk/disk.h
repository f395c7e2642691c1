/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

/*
 * A disk image back end. Calls block (they run on a device's worker thread,
 * never on a vCPU). All return 0 or -errno; ranges must lie inside the disk
 * (-EINVAL otherwise) and writes on a read-only disk fail with -EROFS.
 */

struct disk;

struct disk_ops {
  int (*readv) (struct disk *disk, uint64_t offset, const struct iovec *iov, unsigned n);
  int (*writev) (struct disk *disk, uint64_t offset, const struct iovec *iov, unsigned n);
  int (*flush) (struct disk *disk);
  /* Contents of the range become unspecified; may do nothing. */
  int (*discard) (struct disk *disk, uint64_t offset, uint64_t len);
  /* Contents become zero; @may_unmap allows freeing the space. */
  int (*write_zeroes) (struct disk *disk, uint64_t offset, uint64_t len, bool may_unmap);
  void (*close) (struct disk *disk);
};

struct disk {
  const struct disk_ops *ops;
  char *path;
  uint64_t size;       /* bytes */
  bool read_only;
};

/*
 * Opens a raw image. The image is locked (a write lock, or a read lock when
 * read-only) so two VMs cannot use it at once: -EBUSY then. On failure *why
 * (g_free) says what is wrong in words a user understands.
 */
int disk_raw_open (const char *path, bool read_only, struct disk **out, char **why)
  __attribute__ ((warn_unused_result));

/* Whether [offset, offset + len) lies inside the disk, without overflow. */
static inline bool
disk_range_ok (const struct disk *disk, uint64_t offset, uint64_t len)
{
  return offset <= disk->size && len <= disk->size - offset;
}

static inline int disk_readv (struct disk *d, uint64_t off, const struct iovec *iov, unsigned n)
{ return d->ops->readv (d, off, iov, n); }
static inline int disk_writev (struct disk *d, uint64_t off, const struct iovec *iov, unsigned n)
{ return d->ops->writev (d, off, iov, n); }
static inline int disk_flush (struct disk *d)
{ return d->ops->flush (d); }
static inline int disk_discard (struct disk *d, uint64_t off, uint64_t len)
{ return d->ops->discard (d, off, len); }
static inline int disk_write_zeroes (struct disk *d, uint64_t off, uint64_t len, bool may_unmap)
{ return d->ops->write_zeroes (d, off, len, may_unmap); }

/* NULL-safe. */
void disk_close (struct disk *disk);
