/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-blk"

#include "config.h"

#include "virtio-blk.h"

#include <errno.h>
#include <glib.h>
#include <linux/virtio_blk.h>
#include <linux/virtio_ids.h>
#include <stddef.h>
#include <string.h>

#include "log.h"

#define SECTOR_SHIFT 9
/* Per-range and per-request limits we offer for discard and write-zeroes. */
#define VIRTIO_BLK_MAX_RANGE_SECTORS (1u << 21)  /* 1 GiB */
#define VIRTIO_BLK_MAX_RANGES        32u

/* Up to write_zeroes_may_unmap and its padding: what virtio 1.1 defines. */
#define VIRTIO_BLK_CONFIG_SIZE (offsetof (struct virtio_blk_config, unused1) + 3)

struct virtio_blk {
  struct virtio_device vdev;
  struct disk *disk;
  char serial[VIRTIO_BLK_SERIAL_LEN];
  struct virtio_blk_config config;
  unsigned host_errors;   /* to rate-limit their logging */
};

static void
virtio_blk_config_read (struct virtio_device *vdev, unsigned offset, void *data, unsigned size)
{
  struct virtio_blk *blk = vdev->opaque;

  memcpy (data, (const uint8_t *) &blk->config + offset, size);
}

/* Drops @bytes from the front of an iovec array, in place. */
static void
iov_drop_front (struct iovec **iov, unsigned *n, size_t bytes)
{
  while (*n && bytes)
    {
      size_t chunk = MIN (bytes, (*iov)->iov_len);

      (*iov)->iov_base = (uint8_t *) (*iov)->iov_base + chunk;
      (*iov)->iov_len -= chunk;
      bytes -= chunk;
      if ((*iov)->iov_len == 0)
        {
          (*iov)++;
          (*n)--;
        }
    }
}

static uint8_t
virtio_blk_host_error (struct virtio_blk *blk, const char *what, int err)
{
  if (blk->host_errors++ < 10)
    vmm_error ("%s: %s failed: %s", blk->disk->path, what, g_strerror (-err));
  return VIRTIO_BLK_S_IOERR;
}

static uint8_t
virtio_blk_ranges (struct virtio_blk *blk, uint32_t type, const struct iovec *iov, unsigned n,
                   uint64_t len)
{
  bool zeroes = type == VIRTIO_BLK_T_WRITE_ZEROES;
  uint64_t count = len / sizeof (struct virtio_blk_discard_write_zeroes);
  size_t skip = 0;

  if (len == 0 || len % sizeof (struct virtio_blk_discard_write_zeroes) ||
      count > VIRTIO_BLK_MAX_RANGES)
    return VIRTIO_BLK_S_UNSUPP;
  if (blk->disk->read_only)
    return VIRTIO_BLK_S_IOERR;

  for (uint64_t i = 0; i < count; i++, skip += sizeof (struct virtio_blk_discard_write_zeroes))
    {
      struct virtio_blk_discard_write_zeroes r;
      uint64_t sector, sectors;
      uint32_t flags;
      int ret;

      virtqueue_iov_to_buf (iov, n, skip, &r, sizeof r);
      sector = GUINT64_FROM_LE (r.sector);
      sectors = GUINT32_FROM_LE (r.num_sectors);
      flags = GUINT32_FROM_LE (r.flags);
      /* Unmap means something for write-zeroes only; other bits are reserved. */
      if (flags & ~(uint32_t) (zeroes ? VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP : 0))
        return VIRTIO_BLK_S_UNSUPP;
      if (sectors > VIRTIO_BLK_MAX_RANGE_SECTORS ||
          sector > (blk->disk->size >> SECTOR_SHIFT) ||
          !disk_range_ok (blk->disk, sector << SECTOR_SHIFT, sectors << SECTOR_SHIFT))
        {
          vmm_guest_error ("%s: %s past the end of the disk", blk->vdev.name,
                           zeroes ? "write-zeroes" : "discard");
          return VIRTIO_BLK_S_IOERR;
        }
      if (zeroes)
        ret = disk_write_zeroes (blk->disk, sector << SECTOR_SHIFT, sectors << SECTOR_SHIFT,
                                 flags & VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP);
      else
        ret = disk_discard (blk->disk, sector << SECTOR_SHIFT, sectors << SECTOR_SHIFT);
      if (ret < 0)
        return virtio_blk_host_error (blk, zeroes ? "write-zeroes" : "discard", ret);
    }
  return VIRTIO_BLK_S_OK;
}

/* Handles one request; returns the bytes written into the driver's buffers,
 * or -EIO when the request cannot even carry a status (device broken). */
static int64_t
virtio_blk_handle (struct virtio_blk *blk, struct virtqueue_elem *elem)
{
  struct virtio_blk_outhdr hdr;
  struct iovec *out = elem->iov, *in = elem->iov + elem->out_num;
  unsigned out_n = elem->out_num, in_n = elem->in_num;
  uint64_t out_len, in_len, offset;
  uint8_t status, *status_p;
  uint32_t type;
  int ret;

  if (elem->out_len < sizeof hdr || elem->in_len < 1)
    {
      vmm_guest_error ("%s: request without a header or a status byte", blk->vdev.name);
      return -EIO;
    }
  virtqueue_iov_to_buf (out, out_n, 0, &hdr, sizeof hdr);
  iov_drop_front (&out, &out_n, sizeof hdr);
  out_len = elem->out_len - sizeof hdr;

  /* The status is the last writable byte; the data comes before it. */
  status_p = (uint8_t *) in[in_n - 1].iov_base + in[in_n - 1].iov_len - 1;
  if (--in[in_n - 1].iov_len == 0)
    in_n--;
  in_len = elem->in_len - 1;

  type = GUINT32_FROM_LE (hdr.type);
  offset = GUINT64_FROM_LE (hdr.sector);
  if (offset > (UINT64_MAX >> SECTOR_SHIFT))
    offset = UINT64_MAX;  /* fails the range check below */
  else
    offset <<= SECTOR_SHIFT;

  switch (type)
    {
    case VIRTIO_BLK_T_IN:
    case VIRTIO_BLK_T_OUT:
      {
        bool write = type == VIRTIO_BLK_T_OUT;
        uint64_t len = write ? out_len : in_len;

        if (!disk_range_ok (blk->disk, offset, len))
          {
            vmm_guest_error ("%s: %s past the end of the disk", blk->vdev.name,
                             write ? "write" : "read");
            status = VIRTIO_BLK_S_IOERR;
          }
        else if (write && blk->disk->read_only)
          status = VIRTIO_BLK_S_IOERR;
        else if (write)
          {
            ret = disk_writev (blk->disk, offset, out, out_n);
            status = ret < 0 ? virtio_blk_host_error (blk, "write", ret) : VIRTIO_BLK_S_OK;
          }
        else
          {
            ret = disk_readv (blk->disk, offset, in, in_n);
            status = ret < 0 ? virtio_blk_host_error (blk, "read", ret) : VIRTIO_BLK_S_OK;
            if (status == VIRTIO_BLK_S_OK)
              {
                *status_p = status;
                return in_len + 1;
              }
          }
        break;
      }

    case VIRTIO_BLK_T_FLUSH:
      ret = disk_flush (blk->disk);
      status = ret < 0 ? virtio_blk_host_error (blk, "flush", ret) : VIRTIO_BLK_S_OK;
      break;

    case VIRTIO_BLK_T_GET_ID:
      {
        size_t n = virtqueue_iov_from_buf (in, in_n, 0, blk->serial,
                                           MIN (in_len, sizeof blk->serial));

        *status_p = VIRTIO_BLK_S_OK;
        return n + 1;
      }

    case VIRTIO_BLK_T_DISCARD:
    case VIRTIO_BLK_T_WRITE_ZEROES:
      if (!virtio_device_has_feature (&blk->vdev, type == VIRTIO_BLK_T_DISCARD
                                                      ? VIRTIO_BLK_F_DISCARD
                                                      : VIRTIO_BLK_F_WRITE_ZEROES))
        status = VIRTIO_BLK_S_UNSUPP;
      else
        status = virtio_blk_ranges (blk, type, out, out_n, out_len);
      break;

    default:
      status = VIRTIO_BLK_S_UNSUPP;
      break;
    }

  *status_p = status;
  return 1;
}

static void
virtio_blk_queue_notify (struct virtio_device *vdev, unsigned q)
{
  struct virtio_blk *blk = vdev->opaque;
  struct virtqueue *vq = &vdev->queues[q];
  struct virtqueue_elem elem;
  int ret = 0;

  do
    {
      while (virtio_device_is_live (vdev) && (ret = virtqueue_pop (vq, &elem)) > 0)
        {
          int64_t written = virtio_blk_handle (blk, &elem);

          if (written < 0)
            {
              virtio_device_set_broken (vdev);
              return;
            }
          virtqueue_push (vq, &elem, written);
        }
      if (ret < 0)
        {
          virtio_device_set_broken (vdev);
          return;
        }
      virtio_device_notify_queue (vdev, q);
    }
  while (virtio_device_is_live (vdev) && virtqueue_enable_notify (vq));
}

static const struct virtio_device_ops virtio_blk_ops = {
  .device_id = VIRTIO_ID_BLOCK,
  .num_queues = 1,
  .queue_max_size = VIRTIO_BLK_QUEUE_SIZE,
  .config_size = VIRTIO_BLK_CONFIG_SIZE,
  .config_read = virtio_blk_config_read,
  .queue_notify = virtio_blk_queue_notify,
};

struct virtio_blk *
virtio_blk_new (const struct guest_memory *mem, struct disk *disk, const char *serial)
{
  struct virtio_blk *blk = g_new0 (struct virtio_blk, 1);
  uint64_t features = (1ull << VIRTIO_BLK_F_SEG_MAX) | (1ull << VIRTIO_BLK_F_BLK_SIZE) |
                      (1ull << VIRTIO_BLK_F_FLUSH);
  struct virtio_blk_config *c = &blk->config;

  if (disk->read_only)
    features |= 1ull << VIRTIO_BLK_F_RO;
  else
    features |= (1ull << VIRTIO_BLK_F_DISCARD) | (1ull << VIRTIO_BLK_F_WRITE_ZEROES);

  blk->disk = disk;
  if (serial)
    memcpy (blk->serial, serial, MIN (strlen (serial), sizeof blk->serial));

  c->capacity = GUINT64_TO_LE (disk->size >> SECTOR_SHIFT);
  /* Header and status take two descriptors of a chain. */
  c->seg_max = GUINT32_TO_LE (VIRTIO_BLK_QUEUE_SIZE - 2);
  c->blk_size = GUINT32_TO_LE (512);
  c->max_discard_sectors = GUINT32_TO_LE (VIRTIO_BLK_MAX_RANGE_SECTORS);
  c->max_discard_seg = GUINT32_TO_LE (VIRTIO_BLK_MAX_RANGES);
  c->discard_sector_alignment = GUINT32_TO_LE (1);
  c->max_write_zeroes_sectors = GUINT32_TO_LE (VIRTIO_BLK_MAX_RANGE_SECTORS);
  c->max_write_zeroes_seg = GUINT32_TO_LE (VIRTIO_BLK_MAX_RANGES);
  c->write_zeroes_may_unmap = 1;

  virtio_device_init (&blk->vdev, "virtio-blk", &virtio_blk_ops, blk, mem, features);
  return blk;
}

void
virtio_blk_destroy (struct virtio_blk *blk)
{
  if (!blk)
    return;
  virtio_device_destroy (&blk->vdev);
  disk_close (blk->disk);
  g_free (blk);
}

struct virtio_device *
virtio_blk_get_device (struct virtio_blk *blk)
{
  return &blk->vdev;
}
