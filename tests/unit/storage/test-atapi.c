/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The ATAPI drive's command set on a temporary image, without a controller. */
#define G_LOG_DOMAIN "test-atapi"

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "storage/atapi.h"

#define SECTORS 64

struct fixture {
  char *path, *path2;
  struct atapi *drive;
  uint8_t buf[SECTORS * ATAPI_SECTOR_SIZE];
  struct atapi_result r;
};

static char *
make_image (unsigned sectors, uint8_t seed)
{
  g_autoptr (GError) error = NULL;
  g_autofree uint8_t *data = g_malloc (sectors * ATAPI_SECTOR_SIZE);
  char *path;
  int fd = g_file_open_tmp ("atapi-XXXXXX.iso", &path, &error);

  g_assert_no_error (error);
  for (unsigned i = 0; i < sectors * ATAPI_SECTOR_SIZE; i++)
    data[i] = (uint8_t) (i * 13 + (i >> 11) + seed);
  g_assert_cmpint (write (fd, data, sectors * ATAPI_SECTOR_SIZE), ==,
                   sectors * ATAPI_SECTOR_SIZE);
  close (fd);
  return path;
}

static uint8_t
expected_byte (uint64_t offset, uint8_t seed)
{
  return (uint8_t) (offset * 13 + (offset >> 11) + seed);
}

static void
fixture_setup (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;

  memset (f, 0, sizeof *f);
  f->path = make_image (SECTORS, 0);
  f->path2 = make_image (SECTORS / 2, 7);
  f->drive = atapi_new ("test-cd");
  g_assert_cmpint (atapi_change_medium (f->drive, f->path, false, &why), ==, 0);
}

static void
fixture_teardown (struct fixture *f, gconstpointer data)
{
  atapi_free (f->drive);
  g_unlink (f->path);
  g_unlink (f->path2);
  g_free (f->path);
  g_free (f->path2);
}

/* Sends @cdb with one data-in buffer of @len bytes (f->buf). */
static void
packet (struct fixture *f, const uint8_t *cdb, unsigned cdb_len, size_t len)
{
  uint8_t full[ATAPI_CDB_SIZE] = { 0 };
  struct iovec iov = { f->buf, len };

  memcpy (full, cdb, cdb_len);
  memset (f->buf, 0xcc, sizeof f->buf);
  atapi_ata_command (f->drive, ATA_CMD_PACKET, 0x01, 0, full, &iov, len ? 1 : 0, false, &f->r);
}

/* Asserts the last command failed with @key/@asc, then that REQUEST SENSE says so. */
static void
assert_sense (struct fixture *f, uint8_t key, uint8_t asc, uint8_t ascq)
{
  static const uint8_t rs[] = { 0x03, 0, 0, 0, 18, 0 };

  g_assert_true (f->r.status & ATA_STATUS_ERR);
  g_assert_cmpuint (f->r.error >> 4, ==, key);
  packet (f, rs, sizeof rs, 18);
  g_assert_false (f->r.status & ATA_STATUS_ERR);
  g_assert_cmpuint (f->r.transferred, ==, 18);
  g_assert_cmphex (f->buf[0], ==, 0x70);
  g_assert_cmphex (f->buf[2], ==, key);
  g_assert_cmphex (f->buf[12], ==, asc);
  g_assert_cmphex (f->buf[13], ==, ascq);
}

static void
assert_good (struct fixture *f)
{
  g_assert_cmphex (f->r.status, ==, ATA_STATUS_DRDY | ATA_STATUS_DSC);
  g_assert_cmphex (f->r.error, ==, 0);
}

static void
test_identify (struct fixture *f, gconstpointer data)
{
  uint8_t cdb[ATAPI_CDB_SIZE] = { 0 };
  struct iovec iov = { f->buf, 512 };
  uint16_t id[256];

  atapi_ata_command (f->drive, ATA_CMD_IDENTIFY_PACKET, 0, 0, cdb, &iov, 1, false, &f->r);
  assert_good (f);
  g_assert_true (f->r.pio_setup);
  g_assert_cmpuint (f->r.transferred, ==, 512);
  memcpy (id, f->buf, sizeof id);
  g_assert_cmphex (GUINT16_FROM_LE (id[0]), ==, 0x85c0);   /* ATAPI CD-ROM, removable */
  g_assert_cmphex (GUINT16_FROM_LE (id[49]) & 0x0300, ==, 0x0300);
  /* Model string, byte-swapped words: "Te" is 'T' << 8 | 'e'. */
  g_assert_cmphex (GUINT16_FROM_LE (id[27]), ==, 'T' << 8 | 'e');

  /* A packet device aborts the ATA disk commands. */
  atapi_ata_command (f->drive, ATA_CMD_IDENTIFY, 0, 0, cdb, &iov, 1, false, &f->r);
  g_assert_true (f->r.status & ATA_STATUS_ERR);
  g_assert_cmphex (f->r.error, ==, ATA_ERROR_ABRT);
}

static void
test_capacity_and_read (struct fixture *f, gconstpointer data)
{
  static const uint8_t cap[] = { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  /* READ(10) of 3 sectors from LBA 5. */
  static const uint8_t rd[] = { 0x28, 0, 0, 0, 0, 5, 0, 0, 3, 0 };
  /* READ(12) of 2 sectors from LBA 62 (the last two). */
  static const uint8_t rd12[] = { 0xa8, 0, 0, 0, 0, 62, 0, 0, 0, 2, 0, 0 };
  uint8_t cdb[ATAPI_CDB_SIZE] = { 0 };
  uint8_t a[1000], b[5000], c[2000];
  struct iovec iov[3] = { { a, sizeof a }, { b, sizeof b }, { c, sizeof c } };

  packet (f, cap, sizeof cap, 8);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 8);
  g_assert_cmpuint ((unsigned) f->buf[2] << 8 | f->buf[3], ==, SECTORS - 1);
  g_assert_cmpuint ((unsigned) f->buf[6] << 8 | f->buf[7], ==, ATAPI_SECTOR_SIZE);

  /* Scattered over buffers of odd sizes, as a PRD table would. */
  memcpy (cdb, rd, sizeof rd);
  atapi_ata_command (f->drive, ATA_CMD_PACKET, 0x01, 0, cdb, iov, 3, false, &f->r);
  assert_good (f);
  g_assert_false (f->r.pio_setup);
  g_assert_cmpuint (f->r.transferred, ==, 3 * ATAPI_SECTOR_SIZE);
  for (unsigned i = 0; i < 3 * ATAPI_SECTOR_SIZE; i++)
    {
      uint8_t got = i < 1000 ? a[i] : i < 6000 ? b[i - 1000] : c[i - 6000];

      g_assert_cmphex (got, ==, expected_byte (5 * ATAPI_SECTOR_SIZE + i, 0));
    }

  packet (f, rd12, sizeof rd12, 2 * ATAPI_SECTOR_SIZE);
  assert_good (f);
  for (unsigned i = 0; i < 2 * ATAPI_SECTOR_SIZE; i++)
    g_assert_cmphex (f->buf[i], ==, expected_byte (62 * ATAPI_SECTOR_SIZE + i, 0));

  /* Buffers shorter than the transfer: what fits is read, nothing beyond. */
  packet (f, rd, sizeof rd, 100);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 100);
  g_assert_cmphex (f->buf[100], ==, 0xcc);

  /* PIO (features bit 0 clear) asks for a PIO Setup FIS. */
  memcpy (cdb, rd, sizeof rd);
  iov[0] = (struct iovec) { f->buf, ATAPI_SECTOR_SIZE };
  atapi_ata_command (f->drive, ATA_CMD_PACKET, 0, 0, cdb, iov, 1, false, &f->r);
  g_assert_true (f->r.pio_setup);
}

static void
test_out_of_range (struct fixture *f, gconstpointer data)
{
  static const uint8_t past[] = { 0x28, 0, 0, 0, 0, 63, 0, 0, 2, 0 };
  static const uint8_t huge[] = { 0xa8, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0 };
  static const uint8_t zero[] = { 0x28, 0, 0, 0, 0, 63, 0, 0, 0, 0 };

  packet (f, past, sizeof past, 2 * ATAPI_SECTOR_SIZE);
  g_assert_cmpuint (f->r.transferred, ==, 0);
  assert_sense (f, 0x05, 0x21, 0x00);
  packet (f, huge, sizeof huge, 2 * ATAPI_SECTOR_SIZE);
  assert_sense (f, 0x05, 0x21, 0x00);
  packet (f, zero, sizeof zero, 0);
  assert_good (f);
}

static void
test_empty_and_change (struct fixture *f, gconstpointer data)
{
  static const uint8_t tur[] = { 0x00, 0, 0, 0, 0, 0 };
  static const uint8_t cap[] = { 0x25, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
  static const uint8_t gesn[] = { 0x4a, 0x01, 0, 0, 0x10, 0, 0, 0, 8, 0 };
  g_autofree char *why = NULL;
  g_autofree char *now = NULL;

  packet (f, tur, sizeof tur, 0);
  assert_good (f);

  /* The host ejects: the guest is told once, then finds no medium. */
  g_assert_cmpint (atapi_change_medium (f->drive, NULL, true, &why), ==, 0);
  g_assert_null (atapi_dup_medium_path (f->drive));
  packet (f, gesn, sizeof gesn, 8);
  assert_good (f);
  g_assert_cmphex (f->buf[4], ==, 0);       /* no event: the unit attention says it */
  g_assert_cmphex (f->buf[5] & 0x02, ==, 0); /* no medium */
  packet (f, tur, sizeof tur, 0);
  assert_sense (f, 0x06, 0x28, 0x00);
  packet (f, tur, sizeof tur, 0);
  assert_sense (f, 0x02, 0x3a, 0x00);
  packet (f, cap, sizeof cap, 8);
  assert_sense (f, 0x02, 0x3a, 0x00);

  /* A new disc: unit attention, then its size. */
  g_assert_cmpint (atapi_change_medium (f->drive, f->path2, true, &why), ==, 0);
  now = atapi_dup_medium_path (f->drive);
  g_assert_cmpstr (now, ==, f->path2);
  packet (f, cap, sizeof cap, 8);
  assert_sense (f, 0x06, 0x28, 0x00);
  packet (f, cap, sizeof cap, 8);
  assert_good (f);
  g_assert_cmpuint (f->buf[3], ==, SECTORS / 2 - 1);
  packet (f, gesn, sizeof gesn, 8);
  g_assert_cmphex (f->buf[4], ==, 2);       /* new media */
  g_assert_cmphex (f->buf[5] & 0x02, ==, 0x02);
  packet (f, gesn, sizeof gesn, 8);
  g_assert_cmphex (f->buf[4], ==, 0);       /* reported once */
}

static void
test_bad_image (struct fixture *f, gconstpointer data)
{
  g_autofree char *why = NULL;
  g_autofree char *still = NULL;
  g_autofree char *empty = NULL;
  g_autoptr (GError) error = NULL;
  int fd;

  g_assert_cmpint (atapi_change_medium (f->drive, "/nonexistent/installer.iso", true, &why), <,
                   0);
  g_assert_nonnull (strstr (why, "/nonexistent/installer.iso"));
  still = atapi_dup_medium_path (f->drive);
  g_assert_cmpstr (still, ==, f->path);

  g_clear_pointer (&why, g_free);
  fd = g_file_open_tmp ("atapi-empty-XXXXXX.iso", &empty, &error);
  g_assert_no_error (error);
  close (fd);
  g_assert_cmpint (atapi_change_medium (f->drive, empty, true, &why), <, 0);
  g_assert_nonnull (strstr (why, empty));
  g_unlink (empty);
}

static void
test_eject_and_lock (struct fixture *f, gconstpointer data)
{
  static const uint8_t lock[] = { 0x1e, 0, 0, 0, 1, 0 };
  static const uint8_t unlock[] = { 0x1e, 0, 0, 0, 0, 0 };
  static const uint8_t eject[] = { 0x1b, 0, 0, 0, 0x02, 0 };
  static const uint8_t tur[] = { 0x00, 0, 0, 0, 0, 0 };

  packet (f, lock, sizeof lock, 0);
  assert_good (f);
  g_assert_true (atapi_is_locked (f->drive));
  packet (f, eject, sizeof eject, 0);
  assert_sense (f, 0x05, 0x53, 0x02);
  packet (f, unlock, sizeof unlock, 0);
  packet (f, eject, sizeof eject, 0);
  assert_good (f);
  g_assert_null (atapi_dup_medium_path (f->drive));
  packet (f, tur, sizeof tur, 0);
  assert_sense (f, 0x02, 0x3a, 0x00);
}

static void
test_writes_refused (struct fixture *f, gconstpointer data)
{
  uint8_t cdb[ATAPI_CDB_SIZE] = { 0x2a, 0, 0, 0, 0, 1, 0, 0, 1, 0 };
  struct iovec iov = { f->buf, ATAPI_SECTOR_SIZE };
  static const uint8_t bogus[] = { 0xff, 0, 0, 0, 0, 0 };

  atapi_ata_command (f->drive, ATA_CMD_PACKET, 0x01, 0, cdb, &iov, 1, true, &f->r);
  assert_sense (f, 0x07, 0x27, 0x00);
  packet (f, bogus, sizeof bogus, 0);
  assert_sense (f, 0x05, 0x20, 0x00);
}

static void
test_dvd_structure (struct fixture *f, gconstpointer data)
{
  static const uint8_t phys[] = { 0xad, 0, 0, 0, 0, 0, 0, 0x00, 0x08, 0x04, 0, 0 };
  static const uint8_t copy[] = { 0xad, 0, 0, 0, 0, 0, 0, 0x01, 0, 8, 0, 0 };
  static const uint8_t layer1[] = { 0xad, 0, 0, 0, 0, 0, 1, 0x00, 0x08, 0x04, 0, 0 };
  static const uint8_t list[] = { 0xad, 0, 0, 0, 0, 0, 0, 0xff, 0, 12, 0, 0 };
  static const uint8_t conf[] = { 0x46, 0, 0, 0, 0, 0, 0, 0, 8, 0 };
  g_autofree char *why = NULL;
  g_autofree char *dvd = NULL;
  g_autoptr (GError) error = NULL;
  int fd;

  /* A CD has no DVD structures, but lists them. */
  packet (f, phys, sizeof phys, 2052);
  assert_sense (f, 0x05, 0x30, 0x02);
  packet (f, list, sizeof list, 12);
  assert_good (f);

  /* Over 80 minutes of sectors: a DVD (a sparse file). */
  fd = g_file_open_tmp ("atapi-dvd-XXXXXX.iso", &dvd, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ftruncate (fd, 400000ll * ATAPI_SECTOR_SIZE), ==, 0);
  close (fd);
  g_assert_cmpint (atapi_change_medium (f->drive, dvd, false, &why), ==, 0);
  packet (f, conf, sizeof conf, 8);
  g_assert_cmphex ((unsigned) f->buf[6] << 8 | f->buf[7], ==, 0x0010);   /* DVD-ROM */
  packet (f, phys, sizeof phys, 2052);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 2052);
  g_assert_cmphex (f->buf[4], ==, 0x01);
  g_assert_cmpuint ((unsigned) f->buf[14] << 8 | f->buf[15], ==, (400000 - 1) & 0xffff);
  packet (f, copy, sizeof copy, 8);
  assert_good (f);
  g_assert_cmphex (f->buf[4], ==, 0);
  packet (f, layer1, sizeof layer1, 2052);
  assert_sense (f, 0x05, 0x24, 0x00);
  g_unlink (dvd);
}

static void
test_info_commands (struct fixture *f, gconstpointer data)
{
  static const uint8_t inq[] = { 0x12, 0, 0, 0, 96, 0 };
  static const uint8_t inq_vpd[] = { 0x12, 1, 0x80, 0, 96, 0 };
  static const uint8_t toc[] = { 0x43, 0, 0, 0, 0, 0, 0, 0, 100, 0 };
  static const uint8_t toc_msf[] = { 0x43, 0x02, 0, 0, 0, 0, 0, 0, 100, 0 };
  static const uint8_t toc_bad[] = { 0x43, 0, 0, 0, 0, 0, 5, 0, 100, 0 };
  static const uint8_t session[] = { 0x43, 0, 1, 0, 0, 0, 0, 0, 100, 0 };
  static const uint8_t conf[] = { 0x46, 0, 0, 0, 0, 0, 0, 0x01, 0, 0 };
  static const uint8_t conf_one[] = { 0x46, 2, 0, 0x03, 0, 0, 0, 0x01, 0, 0 };
  static const uint8_t sense2a[] = { 0x5a, 0, 0x2a, 0, 0, 0, 0, 0, 64, 0 };
  static const uint8_t sense_saved[] = { 0x5a, 0, 0xea, 0, 0, 0, 0, 0, 64, 0 };
  static const uint8_t disc[] = { 0x51, 0, 0, 0, 0, 0, 0, 0, 34, 0 };
  static const uint8_t mech[] = { 0xbd, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0, 0 };
  static const uint8_t speed[] = { 0xbb, 0, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0 };

  packet (f, inq, sizeof inq, 96);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 36);
  g_assert_cmphex (f->buf[0], ==, 0x05);
  g_assert_cmphex (f->buf[1], ==, 0x80);
  packet (f, inq_vpd, sizeof inq_vpd, 96);
  assert_sense (f, 0x05, 0x24, 0x00);

  packet (f, toc, sizeof toc, 100);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 4 + 2 * 8);
  g_assert_cmpuint (f->buf[1], ==, 18);
  g_assert_cmpuint (f->buf[6], ==, 1);          /* track 1 */
  g_assert_cmpuint (f->buf[14], ==, 0xaa);      /* lead-out */
  g_assert_cmpuint (f->buf[19], ==, SECTORS);   /* at the end of the disc */
  packet (f, toc_msf, sizeof toc_msf, 100);
  g_assert_cmpuint (f->buf[10], ==, 2);         /* track 1 at 00:02:00 */
  g_assert_cmpuint (f->buf[11], ==, 0);
  g_assert_cmpuint (f->buf[18], ==, 2);         /* lead-out at 00:02:64 */
  g_assert_cmpuint (f->buf[19], ==, SECTORS);
  packet (f, toc_bad, sizeof toc_bad, 100);
  assert_sense (f, 0x05, 0x24, 0x00);
  packet (f, session, sizeof session, 100);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 12);

  packet (f, conf, sizeof conf, 256);
  assert_good (f);
  g_assert_cmphex ((unsigned) f->buf[6] << 8 | f->buf[7], ==, 0x0008);   /* CD-ROM */
  packet (f, conf_one, sizeof conf_one, 256);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 8 + 8);
  g_assert_cmphex (f->buf[9], ==, 0x03);        /* only the removable medium feature */

  packet (f, sense2a, sizeof sense2a, 64);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 8 + 22);
  g_assert_cmphex (f->buf[8], ==, 0x2a);
  g_assert_cmphex (f->buf[14] & 0x08, ==, 0x08);   /* can eject */
  packet (f, sense_saved, sizeof sense_saved, 64);
  assert_sense (f, 0x05, 0x39, 0x00);

  packet (f, disc, sizeof disc, 34);
  assert_good (f);
  g_assert_cmpuint (f->r.transferred, ==, 34);
  g_assert_cmphex (f->buf[2], ==, 0x0e);
  packet (f, mech, sizeof mech, 8);
  assert_good (f);
  packet (f, speed, sizeof speed, 0);
  assert_good (f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, struct fixture, NULL, fixture_setup, fn, fixture_teardown)
  ADD ("/Vmm/atapi/identify", test_identify);
  ADD ("/Vmm/atapi/capacity-and-read", test_capacity_and_read);
  ADD ("/Vmm/atapi/out-of-range", test_out_of_range);
  ADD ("/Vmm/atapi/empty-and-change", test_empty_and_change);
  ADD ("/Vmm/atapi/bad-image", test_bad_image);
  ADD ("/Vmm/atapi/eject-and-lock", test_eject_and_lock);
  ADD ("/Vmm/atapi/writes-refused", test_writes_refused);
  ADD ("/Vmm/atapi/info-commands", test_info_commands);
  ADD ("/Vmm/atapi/dvd-structure", test_dvd_structure);
  return g_test_run ();
}
