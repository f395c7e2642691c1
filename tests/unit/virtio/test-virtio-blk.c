/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "test-virtio-blk"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <linux/virtio_blk.h>
#include <unistd.h>

#include "disk/disk.h"
#include "virtio/virtio-blk.h"
#include "virtio-test-driver.h"

#define MIB    (1ull << 20)
#define RING   0x10000ull
#define HDR    0x100000ull
#define DATA   0x200000ull
#define STATUS 0x300000ull
#define DISK_SIZE (1 * MIB)

struct fixture {
  struct guest_memory mem;
  char *path;
  struct disk *disk;
  struct virtio_blk *blk;
  struct virtio_device *vdev;
  struct test_vq t;
  int queue_irqs;
  int config_irqs;
};

static void
record_queue (void *opaque, unsigned q)
{
  ((struct fixture *) opaque)->queue_irqs++;
}

static void
record_config (void *opaque)
{
  ((struct fixture *) opaque)->config_irqs++;
}

static const struct virtio_transport_ops recorder = {
  .notify_queue = record_queue,
  .notify_config = record_config,
};

static void
fixture_setup (struct fixture *f, bool read_only)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *why = NULL;
  g_autofree uint8_t *pattern = g_malloc (DISK_SIZE);
  int fd;

  memset (f, 0, sizeof *f);
  g_assert_cmpint (guest_memory_init (&f->mem, 32 * MIB, 16 * MIB), ==, 0);
  fd = g_file_open_tmp ("virtio-blk-XXXXXX.img", &f->path, &error);
  g_assert_no_error (error);
  for (unsigned i = 0; i < DISK_SIZE; i++)
    pattern[i] = i * 7 + (i >> 9);
  g_assert_cmpint (write (fd, pattern, DISK_SIZE), ==, DISK_SIZE);
  close (fd);

  g_assert_cmpint (disk_raw_open (f->path, read_only, &f->disk, &why), ==, 0);
  f->blk = virtio_blk_new (&f->mem, f->disk, "TESTSERIAL");
  f->vdev = virtio_blk_get_device (f->blk);
  virtio_device_set_transport (f->vdev, &recorder, f);

  /* What a driver does: accept everything, set up the queue, go. */
  f->vdev->guest_features = f->vdev->host_features;
  tvq_init (&f->t, &f->mem, &f->vdev->queues[0], 128, RING);
  f->vdev->queues[0].indirect = true;
  g_assert_cmpint (virtqueue_enable (&f->vdev->queues[0]), ==, 0);
  atomic_store (&f->vdev->status, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER |
                VIRTIO_STATUS_FEATURES_OK | VIRTIO_STATUS_DRIVER_OK);
}

static void
fixture_teardown (struct fixture *f)
{
  virtio_blk_destroy (f->blk);
  g_unlink (f->path);
  g_free (f->path);
  guest_memory_destroy (&f->mem);
}

static uint8_t *
gptr (struct fixture *f, uint64_t gpa, uint64_t len)
{
  return tvq_ptr (&f->t, gpa, len);
}

/* Sends header + one data buffer + status; returns the status byte and
 * the used length in *used_len. */
static uint8_t
request (struct fixture *f, uint32_t type, uint64_t sector, uint32_t data_len, bool data_in,
         uint32_t *used_len)
{
  struct virtio_blk_outhdr *hdr = (void *) gptr (f, HDR, sizeof *hdr);
  uint32_t id = 0;

  hdr->type = type;
  hdr->ioprio = 0;
  hdr->sector = sector;
  *gptr (f, STATUS, 1) = 0xee;
  tvq_set_desc (&f->t, 0, HDR, sizeof *hdr, VRING_DESC_F_NEXT, data_len ? 1 : 2);
  tvq_set_desc (&f->t, 1, DATA, data_len, VRING_DESC_F_NEXT | (data_in ? VRING_DESC_F_WRITE : 0),
                2);
  tvq_set_desc (&f->t, 2, STATUS, 1, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f->t, 0);
  f->vdev->ops->queue_notify (f->vdev, 0);
  g_assert_true (tvq_get_used (&f->t, &id, used_len));
  g_assert_cmpuint (id, ==, 0);
  return *gptr (f, STATUS, 1);
}

static void
read_file (struct fixture *f, uint64_t offset, void *buf, size_t len)
{
  int fd = open (f->path, O_RDONLY | O_CLOEXEC);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (pread (fd, buf, len, offset), ==, len);
  close (fd);
}

static void
test_config (void)
{
  struct fixture f;
  struct virtio_blk_config c;

  fixture_setup (&f, false);
  g_assert_cmpuint (f.vdev->ops->device_id, ==, 2);
  g_assert_cmpuint (f.vdev->ops->config_size, >=, 60);
  f.vdev->ops->config_read (f.vdev, 0, &c, 60);
  g_assert_cmpuint (c.capacity, ==, DISK_SIZE / 512);
  g_assert_cmpuint (c.blk_size, ==, 512);
  g_assert_cmpuint (c.seg_max, ==, VIRTIO_BLK_QUEUE_SIZE - 2);
  g_assert_cmpuint (c.max_discard_sectors, >, 0);
  g_assert_cmpuint (c.max_write_zeroes_seg, >, 0);
  g_assert_cmpuint (c.write_zeroes_may_unmap, ==, 1);
  g_assert_true (f.vdev->host_features & (1ull << VIRTIO_BLK_F_FLUSH));
  g_assert_true (f.vdev->host_features & (1ull << VIRTIO_BLK_F_DISCARD));
  g_assert_true (f.vdev->host_features & (1ull << VIRTIO_BLK_F_WRITE_ZEROES));
  g_assert_false (f.vdev->host_features & (1ull << VIRTIO_BLK_F_RO));
  g_assert_true (f.vdev->host_features & (1ull << 32));  /* VERSION_1 */
  fixture_teardown (&f);
}

static void
test_read_write (void)
{
  struct fixture f;
  uint8_t buf[4096], back[4096];
  uint32_t len;

  fixture_setup (&f, false);
  read_file (&f, 5 * 512, buf, sizeof buf);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, 5, 4096, true, &len), ==, VIRTIO_BLK_S_OK);
  g_assert_cmpuint (len, ==, 4097);
  g_assert_cmpmem (gptr (&f, DATA, 4096), 4096, buf, 4096);

  for (unsigned i = 0; i < sizeof buf; i++)
    buf[i] = 0xa5 ^ i;
  memcpy (gptr (&f, DATA, 4096), buf, 4096);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_OUT, 100, 4096, false, &len), ==,
                    VIRTIO_BLK_S_OK);
  g_assert_cmpuint (len, ==, 1);
  read_file (&f, 100 * 512, back, sizeof back);
  g_assert_cmpmem (back, sizeof back, buf, sizeof buf);
  g_assert_cmpint (f.queue_irqs, >=, 2);

  /* The last sector is in range. */
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 512, true, &len), ==,
                    VIRTIO_BLK_S_OK);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_FLUSH, 0, 0, false, &len), ==, VIRTIO_BLK_S_OK);
  fixture_teardown (&f);
}

static void
test_indirect_request (void)
{
  struct fixture f;
  struct virtio_blk_outhdr *hdr;
  uint8_t expect[1024];
  uint32_t id = 0, len = 0;
  const uint64_t table = 0x80000;

  fixture_setup (&f, false);
  hdr = (void *) gptr (&f, HDR, sizeof *hdr);
  *hdr = (struct virtio_blk_outhdr) { .type = VIRTIO_BLK_T_IN, .sector = 9 };
  /* Two data buffers, one in each RAM region. */
  tvq_set_desc_in (&f.t, table, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
  tvq_set_desc_in (&f.t, table, 1, DATA, 512, VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 2);
  tvq_set_desc_in (&f.t, table, 2, GUEST_MEMORY_HIGH_BASE, 512,
                   VRING_DESC_F_NEXT | VRING_DESC_F_WRITE, 3);
  tvq_set_desc_in (&f.t, table, 3, STATUS, 1, VRING_DESC_F_WRITE, 0);
  tvq_set_desc (&f.t, 7, table, 4 * 16, VRING_DESC_F_INDIRECT, 0);
  tvq_publish (&f.t, 7);
  f.vdev->ops->queue_notify (f.vdev, 0);
  g_assert_true (tvq_get_used (&f.t, &id, &len));
  g_assert_cmpuint (id, ==, 7);
  g_assert_cmpuint (len, ==, 1025);
  g_assert_cmpuint (*gptr (&f, STATUS, 1), ==, VIRTIO_BLK_S_OK);
  read_file (&f, 9 * 512, expect, sizeof expect);
  g_assert_cmpmem (gptr (&f, DATA, 512), 512, expect, 512);
  g_assert_cmpmem (gptr (&f, GUEST_MEMORY_HIGH_BASE, 512), 512, expect + 512, 512);
  fixture_teardown (&f);
}

static void
test_get_id (void)
{
  struct fixture f;
  uint32_t len;

  fixture_setup (&f, false);
  memset (gptr (&f, DATA, 20), 0xff, 20);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_GET_ID, 0, 20, true, &len), ==, VIRTIO_BLK_S_OK);
  g_assert_cmpuint (len, ==, 21);
  g_assert_cmpmem (gptr (&f, DATA, 20), 20, "TESTSERIAL\0\0\0\0\0\0\0\0\0\0", 20);
  fixture_teardown (&f);
}

static uint8_t
range_request (struct fixture *f, uint32_t type, uint64_t sector, uint32_t n, uint32_t flags)
{
  struct virtio_blk_discard_write_zeroes *r = (void *) gptr (f, DATA, sizeof *r);
  uint32_t len;

  r->sector = sector;
  r->num_sectors = n;
  r->flags = flags;
  return request (f, type, 0, sizeof *r, false, &len);
}

static void
test_discard_write_zeroes (void)
{
  struct fixture f;
  uint8_t buf[8192];
  static const uint8_t zeros[8192];

  fixture_setup (&f, false);
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, 16, 16, 0), ==,
                    VIRTIO_BLK_S_OK);
  read_file (&f, 16 * 512, buf, sizeof buf);
  g_assert_cmpmem (buf, sizeof buf, zeros, sizeof zeros);
  read_file (&f, 32 * 512, buf, 512);
  g_assert_cmpuint (buf[1], !=, 0);

  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, 64, 16,
                                   VIRTIO_BLK_WRITE_ZEROES_FLAG_UNMAP), ==, VIRTIO_BLK_S_OK);
  read_file (&f, 64 * 512, buf, sizeof buf);
  g_assert_cmpmem (buf, sizeof buf, zeros, sizeof zeros);

  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_DISCARD, 256, 256, 0), ==, VIRTIO_BLK_S_OK);
  /* Reserved flags, and unmap on a discard. */
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_DISCARD, 0, 8, 1), ==, VIRTIO_BLK_S_UNSUPP);
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, 0, 8, 2), ==,
                    VIRTIO_BLK_S_UNSUPP);
  /* Past the end. */
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_DISCARD, DISK_SIZE / 512 - 1, 2, 0), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, UINT64_MAX, 1, 0), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, 1ull << 55, 1, 0), ==,
                    VIRTIO_BLK_S_IOERR);
  fixture_teardown (&f);
}

static void
test_past_end (void)
{
  struct fixture f;
  uint32_t len;
  uint8_t before[512], after[512];

  fixture_setup (&f, false);
  read_file (&f, DISK_SIZE - 512, before, 512);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, DISK_SIZE / 512, 512, true, &len), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, DISK_SIZE / 512 - 1, 1024, true, &len), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_OUT, DISK_SIZE / 512 - 1, 1024, false, &len), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, UINT64_MAX, 512, true, &len), ==,
                    VIRTIO_BLK_S_IOERR);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_OUT, (UINT64_MAX >> 9) + 1, 512, false, &len), ==,
                    VIRTIO_BLK_S_IOERR);
  read_file (&f, DISK_SIZE - 512, after, 512);
  g_assert_cmpmem (before, 512, after, 512);
  /* Unknown request types. */
  g_assert_cmpuint (request (&f, 0x77, 0, 512, true, &len), ==, VIRTIO_BLK_S_UNSUPP);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_SCSI_CMD, 0, 512, true, &len), ==,
                    VIRTIO_BLK_S_UNSUPP);
  g_assert_true (virtio_device_is_live (f.vdev));
  fixture_teardown (&f);
}

static void
test_read_only (void)
{
  struct fixture f;
  uint8_t before[512], after[512];
  uint32_t len;

  fixture_setup (&f, true);
  g_assert_true (f.vdev->host_features & (1ull << VIRTIO_BLK_F_RO));
  g_assert_false (f.vdev->host_features & (1ull << VIRTIO_BLK_F_DISCARD));
  read_file (&f, 0, before, 512);
  memset (gptr (&f, DATA, 512), 0, 512);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_OUT, 0, 512, false, &len), ==, VIRTIO_BLK_S_IOERR);
  /* Not negotiated on a read-only disk. */
  g_assert_cmpuint (range_request (&f, VIRTIO_BLK_T_WRITE_ZEROES, 0, 1, 0), ==,
                    VIRTIO_BLK_S_UNSUPP);
  read_file (&f, 0, after, 512);
  g_assert_cmpmem (before, 512, after, 512);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_IN, 0, 512, true, &len), ==, VIRTIO_BLK_S_OK);
  g_assert_cmpuint (request (&f, VIRTIO_BLK_T_FLUSH, 0, 0, false, &len), ==, VIRTIO_BLK_S_OK);
  fixture_teardown (&f);
}

static void
expect_broken (struct fixture *f)
{
  f->vdev->ops->queue_notify (f->vdev, 0);
  g_assert_true (atomic_load (&f->vdev->status) & VIRTIO_STATUS_NEEDS_RESET);
  g_assert_false (virtio_device_is_live (f->vdev));
  g_assert_cmpint (f->config_irqs, ==, 1);
}

static void
test_malformed (void)
{
  struct fixture f;

  /* Header too short. */
  fixture_setup (&f, false);
  tvq_set_desc (&f.t, 0, HDR, 8, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, STATUS, 1, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 0);
  expect_broken (&f);
  fixture_teardown (&f);

  /* No status byte. */
  fixture_setup (&f, false);
  tvq_set_desc (&f.t, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, DATA, 512, 0, 0);
  tvq_publish (&f.t, 0);
  expect_broken (&f);
  fixture_teardown (&f);

  /* Header in a writable buffer. */
  fixture_setup (&f, false);
  tvq_set_desc (&f.t, 0, HDR, 16, VRING_DESC_F_WRITE | VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, STATUS, 1, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 0);
  expect_broken (&f);
  fixture_teardown (&f);

  /* A broken ring breaks the device; later kicks do nothing. */
  fixture_setup (&f, false);
  tvq_set_desc (&f.t, 0, HDR, 16, VRING_DESC_F_NEXT, 0);
  tvq_publish (&f.t, 0);
  expect_broken (&f);
  tvq_set_desc (&f.t, 0, HDR, 16, VRING_DESC_F_NEXT, 1);
  tvq_set_desc (&f.t, 1, STATUS, 1, VRING_DESC_F_WRITE, 0);
  tvq_publish (&f.t, 0);
  f.vdev->ops->queue_notify (f.vdev, 0);
  g_assert_cmpuint (tvq_used_idx (&f.t), ==, 0);
  fixture_teardown (&f);
}

static void
test_open_errors (void)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *why = NULL;
  struct disk *a = NULL, *b = NULL;
  int fd;

  g_assert_cmpint (disk_raw_open ("/nonexistent/disk.img", false, &a, &why), ==, -ENOENT);
  g_assert_nonnull (strstr (why, "does not exist"));
  g_clear_pointer (&why, g_free);

  fd = g_file_open_tmp ("virtio-blk-XXXXXX.img", &path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ftruncate (fd, MIB), ==, 0);
  close (fd);

  g_assert_cmpint (disk_raw_open (path, false, &a, &why), ==, 0);
  g_assert_cmpuint (a->size, ==, MIB);
  /* A second VM on the same image, writable or not, is refused. */
  g_assert_cmpint (disk_raw_open (path, false, &b, &why), ==, -EBUSY);
  g_assert_nonnull (strstr (why, "in use by another virtual machine"));
  g_clear_pointer (&why, g_free);
  g_assert_cmpint (disk_raw_open (path, true, &b, &why), ==, -EBUSY);
  g_clear_pointer (&why, g_free);
  disk_close (a);

  /* Read-only users can share. */
  g_assert_cmpint (disk_raw_open (path, true, &a, &why), ==, 0);
  g_assert_cmpint (disk_raw_open (path, true, &b, &why), ==, 0);
  g_assert_true (b->read_only);
  disk_close (a);
  disk_close (b);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/virtio-blk/config", test_config);
  g_test_add_func ("/Vmm/virtio-blk/read-write", test_read_write);
  g_test_add_func ("/Vmm/virtio-blk/indirect", test_indirect_request);
  g_test_add_func ("/Vmm/virtio-blk/get-id", test_get_id);
  g_test_add_func ("/Vmm/virtio-blk/discard-write-zeroes", test_discard_write_zeroes);
  g_test_add_func ("/Vmm/virtio-blk/past-end", test_past_end);
  g_test_add_func ("/Vmm/virtio-blk/read-only", test_read_only);
  g_test_add_func ("/Vmm/virtio-blk/malformed", test_malformed);
  g_test_add_func ("/Vmm/virtio-blk/open-errors", test_open_errors);
  return g_test_run ();
}
