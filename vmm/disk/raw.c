/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "disk-raw"

#include "config.h"

#include "disk.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/falloc.h>
#include <linux/fs.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

struct disk_raw {
  struct disk disk;
  int fd;
};

/* preadv/pwritev take at most IOV_MAX entries and may be short: go in
 * batches, resuming mid-buffer. */
#define DISK_RAW_BATCH 64

static int
disk_raw_rw (struct disk *disk, uint64_t offset, const struct iovec *iov, unsigned n, bool write)
{
  struct disk_raw *raw = (struct disk_raw *) disk;
  unsigned i = 0;
  size_t skip = 0;
  uint64_t total = 0;

  for (unsigned k = 0; k < n; k++)
    total += iov[k].iov_len;
  if (!disk_range_ok (disk, offset, total))
    return -EINVAL;
  if (write && disk->read_only)
    return -EROFS;

  while (i < n)
    {
      struct iovec batch[DISK_RAW_BATCH];
      unsigned nb = 0;
      ssize_t done;

      if (iov[i].iov_len == skip)
        {
          i++;
          skip = 0;
          continue;
        }
      for (unsigned k = i; k < n && nb < DISK_RAW_BATCH; k++)
        {
          batch[nb].iov_base = (uint8_t *) iov[k].iov_base + (k == i ? skip : 0);
          batch[nb].iov_len = iov[k].iov_len - (k == i ? skip : 0);
          nb++;
        }
      done = write ? pwritev (raw->fd, batch, nb, offset) : preadv (raw->fd, batch, nb, offset);
      if (done < 0)
        {
          if (errno == EINTR)
            continue;
          return -errno;
        }
      if (done == 0)
        {
          /* The file shrank under us: what the guest sees as the disk is gone. */
          return -EIO;
        }
      offset += done;
      while (done > 0 && i < n)
        {
          size_t left = iov[i].iov_len - skip;

          if ((size_t) done < left)
            {
              skip += done;
              done = 0;
            }
          else
            {
              done -= left;
              skip = 0;
              i++;
            }
        }
    }
  return 0;
}

static int
disk_raw_readv (struct disk *disk, uint64_t offset, const struct iovec *iov, unsigned n)
{
  return disk_raw_rw (disk, offset, iov, n, false);
}

static int
disk_raw_writev (struct disk *disk, uint64_t offset, const struct iovec *iov, unsigned n)
{
  return disk_raw_rw (disk, offset, iov, n, true);
}

static int
disk_raw_flush (struct disk *disk)
{
  struct disk_raw *raw = (struct disk_raw *) disk;

  if (disk->read_only)
    return 0;
  return fdatasync (raw->fd) < 0 ? -errno : 0;
}

static int
disk_raw_fallocate (struct disk_raw *raw, int mode, uint64_t offset, uint64_t len)
{
  int ret;

  do
    ret = fallocate (raw->fd, mode, offset, len);
  while (ret < 0 && errno == EINTR);
  return ret < 0 ? -errno : 0;
}

static int
disk_raw_discard (struct disk *disk, uint64_t offset, uint64_t len)
{
  struct disk_raw *raw = (struct disk_raw *) disk;
  int ret;

  if (disk->read_only)
    return -EROFS;
  if (!disk_range_ok (disk, offset, len))
    return -EINVAL;
  if (len == 0)
    return 0;
  ret = disk_raw_fallocate (raw, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
  /* Discard is a hint: a file system that cannot punch holes just keeps the data. */
  if (ret == -EOPNOTSUPP || ret == -ENOSYS)
    return 0;
  return ret;
}

static int
disk_raw_write_zeroes_slow (struct disk_raw *raw, uint64_t offset, uint64_t len)
{
  g_autofree uint8_t *zeros = g_malloc0 (1 << 20);

  while (len)
    {
      struct iovec iov = { zeros, MIN (len, (uint64_t) 1 << 20) };
      int ret = disk_raw_rw (&raw->disk, offset, &iov, 1, true);

      if (ret < 0)
        return ret;
      offset += iov.iov_len;
      len -= iov.iov_len;
    }
  return 0;
}

static int
disk_raw_write_zeroes (struct disk *disk, uint64_t offset, uint64_t len, bool may_unmap)
{
  struct disk_raw *raw = (struct disk_raw *) disk;
  int ret = -EOPNOTSUPP;

  if (disk->read_only)
    return -EROFS;
  if (!disk_range_ok (disk, offset, len))
    return -EINVAL;
  if (len == 0)
    return 0;
  if (!may_unmap)
    ret = disk_raw_fallocate (raw, FALLOC_FL_ZERO_RANGE, offset, len);
  if (ret == -EOPNOTSUPP || ret == -ENOSYS || ret == -EINVAL)
    ret = disk_raw_fallocate (raw, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
  if (ret == -EOPNOTSUPP || ret == -ENOSYS || ret == -EINVAL)
    ret = disk_raw_write_zeroes_slow (raw, offset, len);
  return ret;
}

static void
disk_raw_close (struct disk *disk)
{
  struct disk_raw *raw = (struct disk_raw *) disk;

  /* Closing the descriptor also drops the OFD lock. */
  close (raw->fd);
  g_free (disk->path);
  g_free (raw);
}

static const struct disk_ops disk_raw_ops = {
  .readv = disk_raw_readv,
  .writev = disk_raw_writev,
  .flush = disk_raw_flush,
  .discard = disk_raw_discard,
  .write_zeroes = disk_raw_write_zeroes,
  .close = disk_raw_close,
};

int
disk_raw_open (const char *path, bool read_only, struct disk **out, char **why)
{
  struct flock lock = { .l_whence = SEEK_SET };
  struct disk_raw *raw;
  struct stat st;
  uint64_t size;
  int fd, err;

  *out = NULL;
  fd = open (path, (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC);
  if (fd < 0)
    {
      err = errno;
      if (err == ENOENT)
        *why = g_strdup_printf ("disk image %s does not exist", path);
      else if (err == EACCES || err == EPERM || err == EROFS)
        *why = g_strdup_printf ("disk image %s cannot be opened for %s: %s (use ,readonly "
                                "to attach it read-only)", path,
                                read_only ? "reading" : "writing", g_strerror (err));
      else
        *why = g_strdup_printf ("disk image %s cannot be opened: %s", path, g_strerror (err));
      return -err;
    }

  if (fstat (fd, &st) < 0)
    {
      err = errno;
      *why = g_strdup_printf ("disk image %s: %s", path, g_strerror (err));
      goto fail;
    }
  if (S_ISBLK (st.st_mode))
    {
      if (ioctl (fd, BLKGETSIZE64, &size) < 0)
        {
          err = errno;
          *why = g_strdup_printf ("disk image %s: cannot get its size: %s", path,
                                  g_strerror (err));
          goto fail;
        }
    }
  else if (S_ISREG (st.st_mode))
    size = st.st_size;
  else
    {
      err = EINVAL;
      *why = g_strdup_printf ("disk image %s is not a regular file or block device", path);
      goto fail;
    }

  /* OFD locks belong to this open file, so they work across threads and
   * are released with it; another VM on the same image is refused. */
  lock.l_type = read_only ? F_RDLCK : F_WRLCK;
  if (fcntl (fd, F_OFD_SETLK, &lock) < 0)
    {
      err = errno;
      if (err == EAGAIN || err == EACCES)
        {
          err = EBUSY;
          *why = g_strdup_printf ("disk image %s is in use by another virtual machine", path);
        }
      else
        *why = g_strdup_printf ("disk image %s cannot be locked: %s", path, g_strerror (err));
      goto fail;
    }

  raw = g_new0 (struct disk_raw, 1);
  raw->disk.ops = &disk_raw_ops;
  raw->disk.path = g_strdup (path);
  raw->disk.size = size;
  raw->disk.read_only = read_only;
  raw->fd = fd;
  *out = &raw->disk;
  return 0;

fail:
  close (fd);
  return -err;
}

void
disk_close (struct disk *disk)
{
  if (disk)
    disk->ops->close (disk);
}
