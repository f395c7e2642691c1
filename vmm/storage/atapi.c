/* SPDX-License-Identifier: GPL-3.0-or-later */
/* An ATAPI CD/DVD-ROM drive: IDENTIFY PACKET DEVICE and the MMC packet
 * commands, on a read-only ISO image. */
#define G_LOG_DOMAIN "atapi"

#include "config.h"

#include "atapi.h"

#include <errno.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <pthread.h>
#include <string.h>

#include "disk/disk.h"
#include "log.h"

/* MMC operation codes. */
#define MMC_TEST_UNIT_READY       0x00
#define MMC_REQUEST_SENSE         0x03
#define MMC_INQUIRY               0x12
#define MMC_START_STOP_UNIT       0x1b
#define MMC_PREVENT_ALLOW         0x1e
#define MMC_READ_CAPACITY         0x25
#define MMC_READ_10               0x28
#define MMC_WRITE_10              0x2a
#define MMC_SEEK_10               0x2b
#define MMC_WRITE_VERIFY_10       0x2e
#define MMC_READ_TOC              0x43
#define MMC_GET_CONFIGURATION     0x46
#define MMC_GET_EVENT_STATUS      0x4a
#define MMC_READ_DISC_INFO        0x51
#define MMC_MODE_SENSE_10         0x5a
#define MMC_READ_12               0xa8
#define MMC_READ_DISC_STRUCTURE   0xad
#define MMC_WRITE_12              0xaa
#define MMC_SET_CD_SPEED          0xbb
#define MMC_MECHANISM_STATUS      0xbd

/* Additional sense codes (ASC << 8 | ASCQ). */
#define ASC_NONE                  0x0000
#define ASC_UNRECOVERED_READ      0x1100
#define ASC_INVALID_OPCODE        0x2000
#define ASC_LBA_OUT_OF_RANGE      0x2100
#define ASC_INVALID_FIELD         0x2400
#define ASC_WRITE_PROTECTED       0x2700
#define ASC_MEDIUM_MAY_HAVE_CHANGED 0x2800
#define ASC_SAVING_NOT_SUPPORTED  0x3900
#define ASC_INCOMPATIBLE_FORMAT   0x3002
#define ASC_MEDIUM_NOT_PRESENT    0x3a00
#define ASC_REMOVAL_PREVENTED     0x5302

/* GET EVENT STATUS NOTIFICATION media event codes. */
#define MEDIA_EVENT_NONE          0
#define MEDIA_EVENT_NEW_MEDIA     2

/* MMC profiles; above a CD's 80 minutes the disc says it is a DVD. */
#define PROFILE_NONE    0x0000
#define PROFILE_CD_ROM  0x0008
#define PROFILE_DVD_ROM 0x0010
#define CD_MAX_SECTORS  (80u * 60 * 75)

/* The largest reply of the commands answered from a buffer (not READ): a
 * DVD structure, 2048 bytes and its header. */
#define ATAPI_REPLY_MAX (2048 + 4)

struct atapi {
  char *name;
  pthread_mutex_t lock;
  struct disk *disk;        /* NULL: no medium */
  uint64_t sectors;
  uint8_t sense_key;
  uint16_t asc;
  bool unit_attention;      /* medium changed; the next command reports it */
  uint8_t media_event;      /* pending for GET EVENT STATUS NOTIFICATION */
  bool locked;
  unsigned host_errors;     /* rate-limits logging of failed reads */
};

struct atapi *
atapi_new (const char *name)
{
  struct atapi *d = g_new0 (struct atapi, 1);

  d->name = g_strdup (name);
  pthread_mutex_init (&d->lock, NULL);
  return d;
}

void
atapi_free (struct atapi *d)
{
  if (!d)
    return;
  disk_close (d->disk);
  pthread_mutex_destroy (&d->lock);
  g_free (d->name);
  g_free (d);
}

int
atapi_change_medium (struct atapi *d, const char *path, bool notify, char **why)
{
  struct disk *disk = NULL;
  g_autofree char *disk_why = NULL;
  int ret;

  if (path && *path)
    {
      ret = disk_raw_open (path, true, &disk, &disk_why);
      if (ret < 0)
        {
          *why = g_strdup_printf (_("Cannot open the CD-ROM image “%s”: %s."), path,
                                  g_strerror (-ret));
          return ret;
        }
      if (disk->size < ATAPI_SECTOR_SIZE)
        {
          disk_close (disk);
          *why = g_strdup_printf (_("The CD-ROM image “%s” is empty."), path);
          return -EINVAL;
        }
    }

  pthread_mutex_lock (&d->lock);
  disk_close (d->disk);
  d->disk = disk;
  /* A partial last sector cannot be read as a whole: it is left out. */
  d->sectors = disk ? disk->size / ATAPI_SECTOR_SIZE : 0;
  /* A removal is not reported as an event: Linux reads event 3 as an eject
   * request. The guest finds the drive empty through the unit attention. */
  if (notify)
    {
      d->unit_attention = true;
      d->media_event = disk ? MEDIA_EVENT_NEW_MEDIA : MEDIA_EVENT_NONE;
    }
  d->locked = false;
  pthread_mutex_unlock (&d->lock);
  vmm_info ("%s: %s%s", d->name, disk ? "inserted " : "ejected", disk ? path : "");
  return 0;
}

char *
atapi_dup_medium_path (struct atapi *d)
{
  char *path;

  pthread_mutex_lock (&d->lock);
  path = d->disk ? g_strdup (d->disk->path) : NULL;
  pthread_mutex_unlock (&d->lock);
  return path;
}

bool
atapi_is_locked (struct atapi *d)
{
  bool locked;

  pthread_mutex_lock (&d->lock);
  locked = d->locked;
  pthread_mutex_unlock (&d->lock);
  return locked;
}

void
atapi_reset (struct atapi *d)
{
  pthread_mutex_lock (&d->lock);
  d->sense_key = SENSE_NO_SENSE;
  d->asc = ASC_NONE;
  d->locked = false;
  pthread_mutex_unlock (&d->lock);
}

/* ATA strings: space-padded, two characters per word, first in the high byte. */
static void
atapi_id_string (uint16_t *words, const char *s, unsigned len)
{
  for (unsigned i = 0; i < len; i += 2)
    {
      char a = i < strlen (s) ? s[i] : ' ';
      char b = i + 1 < strlen (s) ? s[i + 1] : ' ';

      words[i / 2] = GUINT16_TO_LE ((uint16_t) ((uint8_t) a << 8 | (uint8_t) b));
    }
}

void
atapi_identify (struct atapi *d, uint16_t id[256])
{
  static const struct { unsigned word; uint16_t value; } fields[] = {
    /* ATAPI, CD-ROM command set, removable, 50 µs DRQ, 12-byte packets */
    { 0, 0x85c0 },
    { 49, 0x0300 },   /* LBA and DMA */
    { 53, 0x0006 },   /* words 64-70 and 88 are valid */
    { 63, 0x0007 },   /* multiword DMA 0-2 */
    { 64, 0x0003 },   /* PIO 3 and 4 */
    { 65, 120 }, { 66, 120 }, { 67, 120 }, { 68, 120 },
    { 71, 30 }, { 72, 30 },
    { 76, 0x0002 },   /* SATA 1.5 Gb/s */
    { 80, 0x007e },   /* ATA/ATAPI-1 to 6 */
    { 82, 0x4210 },   /* NOP, DEVICE RESET, PACKET */
    { 83, 0x4000 }, { 84, 0x4000 },
    { 85, 0x4210 }, { 86, 0x0000 }, { 87, 0x4000 },
    { 88, 0x203f },   /* UDMA 0-5, 5 selected */
    { 222, 0x1000 },  /* SATA transport */
  };

  memset (id, 0, 256 * sizeof *id);
  for (unsigned i = 0; i < G_N_ELEMENTS (fields); i++)
    id[fields[i].word] = GUINT16_TO_LE (fields[i].value);
  atapi_id_string (id + 10, "TERRARIUM-CD0", 20);
  atapi_id_string (id + 23, PACKAGE_VERSION, 8);
  atapi_id_string (id + 27, "Terrarium DVD-ROM", 40);
  (void) d;
}

/* --- Packet commands; the drive is locked. ------------------------------ */

struct atapi_cmd {
  const uint8_t *cdb;
  const struct iovec *iov;
  unsigned n_iov;
  uint64_t iov_len;
  uint8_t reply[ATAPI_REPLY_MAX];
  struct atapi_result *result;
};

static void
atapi_sense (struct atapi *d, struct atapi_result *r, uint8_t key, uint16_t asc)
{
  d->sense_key = key;
  d->asc = asc;
  r->status = ATA_STATUS_DRDY | ATA_STATUS_ERR;
  r->error = key << 4 | ATA_ERROR_ABRT;
}

static void
atapi_good (struct atapi *d, struct atapi_result *r)
{
  d->sense_key = SENSE_NO_SENSE;
  d->asc = ASC_NONE;
  r->status = ATA_STATUS_DRDY | ATA_STATUS_DSC;
  r->error = 0;
}

static uint16_t get16 (const uint8_t *p) { return (uint16_t) p[0] << 8 | p[1]; }
static uint32_t get32 (const uint8_t *p) { return (uint32_t) get16 (p) << 16 | get16 (p + 2); }
static void put16 (uint8_t *p, uint16_t v) { p[0] = v >> 8; p[1] = v; }
static void put32 (uint8_t *p, uint32_t v) { put16 (p, v >> 16); put16 (p + 2, v); }

/* Copies the first @len bytes of the reply, cut to the allocation length
 * and the guest's buffers, and reports success. */
static void
atapi_reply (struct atapi *d, struct atapi_cmd *c, unsigned len, unsigned alloc)
{
  uint64_t n = MIN (MIN (len, alloc), c->iov_len), done = 0;

  for (unsigned i = 0; i < c->n_iov && done < n; i++)
    {
      uint64_t chunk = MIN (c->iov[i].iov_len, n - done);

      memcpy (c->iov[i].iov_base, c->reply + done, chunk);
      done += chunk;
    }
  c->result->transferred = done;
  atapi_good (d, c->result);
}

static void
atapi_lba_to_msf (uint8_t *p, uint32_t lba)
{
  lba += 150;
  p[0] = 0;
  p[1] = lba / (75 * 60);
  p[2] = (lba / 75) % 60;
  p[3] = lba % 75;
}

static void
atapi_cmd_inquiry (struct atapi *d, struct atapi_cmd *c)
{
  uint8_t *r = c->reply;

  if (c->cdb[1] & 0x01)   /* no vital product data pages */
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  memset (r, 0, 36);
  r[0] = 0x05;            /* CD/DVD device */
  r[1] = 0x80;            /* removable */
  r[2] = 0x05;            /* SPC-3 */
  r[3] = 0x02;            /* response data format */
  r[4] = 36 - 5;
  memcpy (r + 8, "TERRARIM", 8);
  memcpy (r + 16, "DVD-ROM         ", 16);
  memcpy (r + 32, "1.0 ", 4);
  atapi_reply (d, c, 36, get16 (c->cdb + 3));
}

static void
atapi_cmd_request_sense (struct atapi *d, struct atapi_cmd *c)
{
  uint8_t *r = c->reply;
  uint8_t key = d->sense_key;
  uint16_t asc = d->asc;

  memset (r, 0, 18);
  r[0] = 0x70;            /* current error, fixed format */
  r[2] = key;
  r[7] = 18 - 8;
  r[12] = asc >> 8;
  r[13] = asc & 0xff;
  atapi_reply (d, c, 18, c->cdb[4]);
}

static void
atapi_cmd_read (struct atapi *d, struct atapi_cmd *c, uint32_t lba, uint32_t count)
{
  uint64_t bytes = (uint64_t) count * ATAPI_SECTOR_SIZE, done = 0;
  uint64_t pos = (uint64_t) lba * ATAPI_SECTOR_SIZE, batch = pos;
  struct iovec iov[64];
  unsigned n = 0;
  int ret = 0;

  if ((uint64_t) lba + count > d->sectors)
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_LBA_OUT_OF_RANGE);
  /* Only what the guest's buffers hold is read; the rest is dropped, as a
   * controller does with a short PRD table. */
  bytes = MIN (bytes, c->iov_len);
  for (unsigned i = 0; i < c->n_iov && done < bytes && ret == 0; i++)
    {
      uint64_t chunk = MIN (c->iov[i].iov_len, bytes - done);

      iov[n++] = (struct iovec) { c->iov[i].iov_base, chunk };
      done += chunk;
      if (n == G_N_ELEMENTS (iov) || done == bytes)
        {
          ret = disk_readv (d->disk, batch, iov, n);
          batch = pos + done;
          n = 0;
        }
    }
  if (ret < 0)
    {
      if (d->host_errors++ < 10)
        vmm_error ("%s: reading %s failed: %s", d->name, d->disk->path, g_strerror (-ret));
      return atapi_sense (d, c->result, SENSE_MEDIUM_ERROR, ASC_UNRECOVERED_READ);
    }
  c->result->transferred = bytes;
  atapi_good (d, c->result);
}

static void
atapi_cmd_read_toc (struct atapi *d, struct atapi_cmd *c)
{
  bool msf = c->cdb[1] & 0x02;
  unsigned format = c->cdb[2] & 0x0f, track = c->cdb[6], len = 4;
  uint8_t *r = c->reply;

  /* Old drivers put the format in the control byte's vendor bits. */
  if (format == 0 && (c->cdb[9] >> 6))
    format = c->cdb[9] >> 6;
  memset (r, 0, 4 + 2 * 8);
  r[2] = 1;               /* first track or session */
  r[3] = 1;               /* last */
  switch (format)
    {
    case 0:
      if (track > 1 && track != 0xaa)
        return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
      if (track <= 1)
        {
          r[len + 1] = 0x14;  /* ADR 1 (position), control 4 (data track) */
          r[len + 2] = 1;
          if (msf)
            atapi_lba_to_msf (r + len + 4, 0);
          len += 8;
        }
      r[len + 1] = 0x14;
      r[len + 2] = 0xaa;      /* the lead-out */
      if (msf)
        atapi_lba_to_msf (r + len + 4, d->sectors);
      else
        put32 (r + len + 4, d->sectors);
      len += 8;
      break;
    case 1:                   /* one complete session starting at track 1 */
      r[len + 1] = 0x14;
      r[len + 2] = 1;
      if (msf)
        atapi_lba_to_msf (r + len + 4, 0);
      len += 8;
      break;
    default:
      return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
    }
  put16 (r, len - 2);
  atapi_reply (d, c, len, get16 (c->cdb + 7));
}

static uint16_t
atapi_profile (struct atapi *d)
{
  if (!d->disk)
    return PROFILE_NONE;
  return d->sectors > CD_MAX_SECTORS ? PROFILE_DVD_ROM : PROFILE_CD_ROM;
}

/* Appends feature @code's header (current when @current) and returns where
 * its @len bytes of data go. */
static uint8_t *
atapi_feature (uint8_t *r, unsigned *len, uint16_t code, uint8_t version, bool current,
               unsigned data_len)
{
  uint8_t *f = r + *len;

  memset (f, 0, 4 + data_len);
  put16 (f, code);
  f[2] = version << 2 | 0x02 /* persistent */ | (current ? 0x01 : 0);
  f[3] = data_len;
  *len += 4 + data_len;
  return f + 4;
}

static void
atapi_cmd_get_configuration (struct atapi *d, struct atapi_cmd *c)
{
  unsigned rt = c->cdb[1] & 0x03, start = get16 (c->cdb + 2), len = 8;
  uint16_t profile = atapi_profile (d);
  uint8_t *r = c->reply, *f;
  static const uint16_t features[] = { 0x0000, 0x0001, 0x0002, 0x0003, 0x0010, 0x001e, 0x001f };

  if (rt == 3)
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  memset (r, 0, 8);
  put16 (r + 6, profile);
  for (unsigned i = 0; i < G_N_ELEMENTS (features); i++)
    {
      uint16_t code = features[i];
      /* Reading CDs is current with any disc, DVDs and random reads with a DVD or a disc. */
      bool current = code < 0x0010 || (code == 0x0010 && profile) ||
                     (code == 0x001e && profile) || (code == 0x001f && profile == PROFILE_DVD_ROM);

      if (code < start || (rt == 2 && code != start) || (rt == 1 && !current))
        continue;
      switch (code)
        {
        case 0x0000:            /* profile list: DVD-ROM, CD-ROM */
          f = atapi_feature (r, &len, code, 0, true, 8);
          put16 (f, PROFILE_DVD_ROM);
          f[2] = profile == PROFILE_DVD_ROM;
          put16 (f + 4, PROFILE_CD_ROM);
          f[6] = profile == PROFILE_CD_ROM;
          break;
        case 0x0001:            /* core: ATAPI */
          f = atapi_feature (r, &len, code, 1, true, 8);
          put32 (f, 2);
          break;
        case 0x0002:            /* morphing: polled events */
          atapi_feature (r, &len, code, 1, true, 4);
          break;
        case 0x0003:            /* removable medium: tray, eject, lock */
          f = atapi_feature (r, &len, code, 0, true, 4);
          f[0] = 1 << 5 | 0x08 | 0x01 | (d->locked ? 0x04 : 0);
          break;
        case 0x0010:            /* random readable */
          f = atapi_feature (r, &len, code, 0, current, 8);
          put32 (f, ATAPI_SECTOR_SIZE);
          put16 (f + 4, profile == PROFILE_DVD_ROM ? 16 : 1);
          break;
        case 0x001e:            /* CD read */
          atapi_feature (r, &len, code, 2, current, 4);
          break;
        case 0x001f:            /* DVD read */
          atapi_feature (r, &len, code, 0, current, 4);
          break;
        }
    }
  put32 (r, len - 4);
  atapi_reply (d, c, len, get16 (c->cdb + 7));
}

static void
atapi_cmd_get_event_status (struct atapi *d, struct atapi_cmd *c)
{
  uint8_t *r = c->reply;
  unsigned len = 4;

  if (!(c->cdb[1] & 0x01))      /* asynchronous notification is not offered */
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  memset (r, 0, 8);
  r[3] = 1 << 4;                /* supported classes: media */
  if (c->cdb[4] & (1 << 4))
    {
      r[2] = 4;                 /* media class */
      r[4] = d->media_event;
      r[5] = d->disk ? 0x02 : 0x00;  /* medium present; the tray is never open */
      d->media_event = MEDIA_EVENT_NONE;
      len = 8;
    }
  else
    r[2] = 0x80;                /* no event available */
  put16 (r, len - 2);
  atapi_reply (d, c, len, get16 (c->cdb + 7));
}

static void
atapi_cmd_mode_sense (struct atapi *d, struct atapi_cmd *c)
{
  unsigned pc = c->cdb[2] >> 6, page = c->cdb[2] & 0x3f, len = 8;
  uint8_t *r = c->reply;

  if (pc == 3)
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_SAVING_NOT_SUPPORTED);
  if (page != 0x01 && page != 0x2a && page != 0x3f)
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  memset (r, 0, 8 + 12 + 22);
  if (page == 0x01 || page == 0x3f)
    {                           /* read/write error recovery */
      r[len] = 0x01;
      r[len + 1] = 10;
      if (pc != 1)
        r[len + 3] = 5;         /* read retry count */
      len += 12;
    }
  if (page == 0x2a || page == 0x3f)
    {                           /* capabilities and mechanical status */
      uint8_t *p = r + len;

      p[0] = 0x2a;
      p[1] = 20;
      if (pc != 1)
        {
          p[2] = 0x08;          /* reads DVD-ROM */
          p[4] = 0x71;          /* audio play, composite, digital ports, multi-session */
          p[5] = 0x03;          /* CD-DA commands, accurate stream */
          p[6] = 1 << 5 | 0x08 | 0x01 | (d->locked ? 0x02 : 0);  /* tray, eject, lock */
          put16 (p + 8, 16 * 176);   /* maximum read speed, kB/s */
          put16 (p + 10, 256);       /* volume levels */
          put16 (p + 12, 2048);      /* buffer, KiB */
          put16 (p + 14, 16 * 176);  /* current read speed */
        }
      len += 22;
    }
  put16 (r, len - 2);
  atapi_reply (d, c, len, get16 (c->cdb + 7));
}

static void
atapi_cmd_read_disc_info (struct atapi *d, struct atapi_cmd *c)
{
  uint8_t *r = c->reply;

  if (c->cdb[1] & 0x07)         /* only standard disc information */
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  memset (r, 0, 34);
  put16 (r, 32);
  r[2] = 0x0e;                  /* last session complete, disc complete */
  r[3] = 1;                     /* first track */
  r[4] = 1;                     /* sessions */
  r[5] = 1;                     /* first track in the last session */
  r[6] = 1;                     /* last track in the last session */
  put32 (r + 16, 0xffffffff);   /* no next session can be written */
  put32 (r + 20, 0xffffffff);
  atapi_reply (d, c, 34, get16 (c->cdb + 7));
}

/* DVD structures Windows reads from a DVD: physical format and copyright. */
static void
atapi_cmd_read_disc_structure (struct atapi *d, struct atapi_cmd *c)
{
  unsigned format = c->cdb[7], len;
  uint8_t *r = c->reply;

  if (format != 0xff && (c->cdb[1] & 0x0f) == 0 && atapi_profile (d) != PROFILE_DVD_ROM)
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INCOMPATIBLE_FORMAT);
  if ((c->cdb[1] & 0x0f) != 0 || c->cdb[6] != 0)   /* DVD structures of layer 0 only */
    return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
  switch (format)
    {
    case 0x00:                  /* physical format: DVD-ROM, 120 mm, one layer */
      len = 4 + 2048;
      memset (r, 0, len);
      r[4] = 0x01;
      r[5] = 0x0f;
      r[6] = 0x01;
      put32 (r + 12, d->sectors - 1);
      put32 (r + 16, d->sectors - 1);
      break;
    case 0x01:                  /* copyright: no protection, all regions */
      len = 8;
      memset (r, 0, len);
      break;
    case 0xff:                  /* the list of the above */
      len = 4 + 2 * 4;
      memset (r, 0, len);
      r[4] = 0x00;
      r[5] = 0x40;
      put16 (r + 6, 4 + 2048);
      r[8] = 0x01;
      r[9] = 0x40;
      put16 (r + 10, 8);
      break;
    default:
      return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_FIELD);
    }
  put16 (r, len - 2);
  atapi_reply (d, c, len, get16 (c->cdb + 8));
}

static void
atapi_cmd_mechanism_status (struct atapi *d, struct atapi_cmd *c)
{
  memset (c->reply, 0, 8);
  atapi_reply (d, c, 8, get16 (c->cdb + 8));
}

static void
atapi_cmd_start_stop (struct atapi *d, struct atapi_cmd *c)
{
  bool loej = c->cdb[4] & 0x02, start = c->cdb[4] & 0x01;

  if (loej && !start)
    {
      if (d->locked)
        return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_REMOVAL_PREVENTED);
      if (d->disk)
        {
          vmm_info ("%s: the guest ejected %s", d->name, d->disk->path);
          disk_close (d->disk);
          d->disk = NULL;
          d->sectors = 0;
          d->media_event = MEDIA_EVENT_NONE;
        }
    }
  atapi_good (d, c->result);
}

/* Commands that do not need a medium and are not refused by a pending unit attention. */
static bool
atapi_ignores_unit_attention (uint8_t op)
{
  return op == MMC_INQUIRY || op == MMC_REQUEST_SENSE || op == MMC_GET_CONFIGURATION ||
         op == MMC_GET_EVENT_STATUS;
}

static bool
atapi_needs_medium (uint8_t op)
{
  switch (op)
    {
    case MMC_TEST_UNIT_READY:
    case MMC_READ_CAPACITY:
    case MMC_READ_10:
    case MMC_READ_12:
    case MMC_READ_TOC:
    case MMC_READ_DISC_INFO:
    case MMC_READ_DISC_STRUCTURE:
    case MMC_SEEK_10:
      return true;
    default:
      return false;
    }
}

static void
atapi_packet (struct atapi *d, struct atapi_cmd *c, bool data_out)
{
  uint8_t op = c->cdb[0];

  if (d->unit_attention && !atapi_ignores_unit_attention (op))
    {
      d->unit_attention = false;
      return atapi_sense (d, c->result, SENSE_UNIT_ATTENTION, ASC_MEDIUM_MAY_HAVE_CHANGED);
    }
  if (!d->disk && atapi_needs_medium (op))
    return atapi_sense (d, c->result, SENSE_NOT_READY, ASC_MEDIUM_NOT_PRESENT);
  if (data_out || op == MMC_WRITE_10 || op == MMC_WRITE_12 || op == MMC_WRITE_VERIFY_10)
    {
      if (op == MMC_WRITE_10 || op == MMC_WRITE_12 || op == MMC_WRITE_VERIFY_10)
        return atapi_sense (d, c->result, SENSE_DATA_PROTECT, ASC_WRITE_PROTECTED);
      return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
    }

  switch (op)
    {
    case MMC_TEST_UNIT_READY:
    case MMC_SET_CD_SPEED:
    case MMC_SEEK_10:
      return atapi_good (d, c->result);
    case MMC_REQUEST_SENSE:
      return atapi_cmd_request_sense (d, c);
    case MMC_INQUIRY:
      return atapi_cmd_inquiry (d, c);
    case MMC_START_STOP_UNIT:
      return atapi_cmd_start_stop (d, c);
    case MMC_PREVENT_ALLOW:
      d->locked = c->cdb[4] & 0x01;
      return atapi_good (d, c->result);
    case MMC_READ_CAPACITY:
      put32 (c->reply, d->sectors - 1);
      put32 (c->reply + 4, ATAPI_SECTOR_SIZE);
      return atapi_reply (d, c, 8, 8);
    case MMC_READ_10:
      return atapi_cmd_read (d, c, get32 (c->cdb + 2), get16 (c->cdb + 7));
    case MMC_READ_12:
      return atapi_cmd_read (d, c, get32 (c->cdb + 2), get32 (c->cdb + 6));
    case MMC_READ_TOC:
      return atapi_cmd_read_toc (d, c);
    case MMC_GET_CONFIGURATION:
      return atapi_cmd_get_configuration (d, c);
    case MMC_GET_EVENT_STATUS:
      return atapi_cmd_get_event_status (d, c);
    case MMC_MODE_SENSE_10:
      return atapi_cmd_mode_sense (d, c);
    case MMC_READ_DISC_INFO:
      return atapi_cmd_read_disc_info (d, c);
    case MMC_MECHANISM_STATUS:
      return atapi_cmd_mechanism_status (d, c);
    case MMC_READ_DISC_STRUCTURE:
      return atapi_cmd_read_disc_structure (d, c);
    default:
      vmm_debug ("%s: unsupported packet command 0x%02x", d->name, op);
      return atapi_sense (d, c->result, SENSE_ILLEGAL_REQUEST, ASC_INVALID_OPCODE);
    }
}

void
atapi_ata_command (struct atapi *d, uint8_t command, uint16_t features, uint16_t count,
                   const uint8_t cdb[ATAPI_CDB_SIZE], const struct iovec *iov, unsigned n_iov,
                   bool data_out, struct atapi_result *result)
{
  struct atapi_cmd c = { .cdb = cdb, .iov = iov, .n_iov = n_iov, .result = result };

  memset (result, 0, sizeof *result);
  for (unsigned i = 0; i < n_iov; i++)
    c.iov_len += iov[i].iov_len;

  pthread_mutex_lock (&d->lock);
  switch (command)
    {
    case ATA_CMD_PACKET:
      atapi_packet (d, &c, data_out);
      /* Interrupt reason: command/data and input, the command is done. */
      result->count = 0x03;
      /* Bit 0 of the features asks for DMA; otherwise the data went by PIO. */
      result->pio_setup = !(features & 0x01) && result->transferred > 0;
      break;
    case ATA_CMD_IDENTIFY_PACKET:
      {
        uint16_t id[256];

        atapi_identify (d, id);
        memcpy (c.reply, id, sizeof id);
        atapi_reply (d, &c, sizeof id, sizeof id);
        result->pio_setup = true;
        break;
      }
    case ATA_CMD_DEVICE_RESET:
      d->sense_key = SENSE_NO_SENSE;
      d->asc = ASC_NONE;
      d->locked = false;
      result->status = 0;
      break;
    case 0xef:    /* SET FEATURES: transfer modes and the like, all accepted */
    case 0xe0:    /* STANDBY IMMEDIATE */
    case 0xe1:    /* IDLE IMMEDIATE */
    case 0xe7:    /* FLUSH CACHE */
      result->status = ATA_STATUS_DRDY | ATA_STATUS_DSC;
      break;
    case 0xe5:    /* CHECK POWER MODE: active */
      result->status = ATA_STATUS_DRDY | ATA_STATUS_DSC;
      result->count = 0xff;
      break;
    default:
      /* IDENTIFY DEVICE and disk commands: a packet device aborts them, and
       * the transport puts its signature in the registers. */
      result->status = ATA_STATUS_DRDY | ATA_STATUS_ERR;
      result->error = ATA_ERROR_ABRT;
      break;
    }
  pthread_mutex_unlock (&d->lock);
  (void) count;
}
