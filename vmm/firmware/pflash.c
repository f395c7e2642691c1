/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pflash"

#include "config.h"

#include "pflash.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "log.h"

static int
pflash_copy_template (const char *path, const char *template_path, size_t size, char **why)
{
  g_autofree char *contents = NULL;
  g_autoptr (GError) error = NULL;
  gsize len;

  if (!g_file_get_contents (template_path, &contents, &len, &error))
    {
      *why = g_strdup_printf (_("Cannot read the UEFI variable store template: %s. "
                                "Install the ovmf package."), error->message);
      return -ENOENT;
    }
  if (len != size)
    {
      *why = g_strdup_printf (_("The UEFI variable store template “%s” is %zu bytes, not %zu."),
                              template_path, (size_t) len, size);
      return -EINVAL;
    }
  /* Written whole under a temporary name: a crash never leaves half a store. */
  if (path && !g_file_set_contents_full (path, contents, len, G_FILE_SET_CONTENTS_CONSISTENT,
                                         0600, &error))
    {
      *why = g_strdup_printf (_("Cannot create the UEFI variable store: %s."), error->message);
      return -EIO;
    }
  return 0;
}

static int
pflash_open_contents (struct pflash *f, const char *path, const char *template_path, size_t size,
                      char **why)
{
  struct stat st;
  int ret;

  f->size = size;
  if (size == 0 || size % PFLASH_BLOCK_SIZE)
    {
      *why = g_strdup_printf ("flash size %zu is not a multiple of %u", size, PFLASH_BLOCK_SIZE);
      return -EINVAL;
    }

  if (!path)
    {
      g_autofree char *contents = NULL;
      g_autoptr (GError) error = NULL;
      gsize len;

      if (!g_file_get_contents (template_path, &contents, &len, &error) || len != size)
        {
          *why = g_strdup_printf (_("Cannot read the UEFI variable store template “%s”. "
                                    "Install the ovmf package."), template_path);
          return -ENOENT;
        }
      f->data = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (f->data == MAP_FAILED)
        {
          f->data = NULL;
          *why = g_strdup_printf ("mmap: %s", g_strerror (errno));
          return -ENOMEM;
        }
      memcpy (f->data, contents, size);
      vmm_info ("UEFI variables are kept in memory only (no uefi-vars file): changes are lost "
                "at power-off");
      return 0;
    }

  if (!g_file_test (path, G_FILE_TEST_EXISTS) &&
      (ret = pflash_copy_template (path, template_path, size, why)) < 0)
    return ret;
  f->fd = open (path, O_RDWR | O_CLOEXEC);
  if (f->fd < 0 || fstat (f->fd, &st) < 0)
    {
      ret = -errno;
      *why = g_strdup_printf (_("Cannot open the UEFI variable store “%s”: %s."), path,
                              g_strerror (-ret));
      return ret;
    }
  if ((uint64_t) st.st_size != size)
    {
      *why = g_strdup_printf (_("The UEFI variable store “%s” is %lld bytes, not %zu: it is not "
                                "an OVMF_VARS_4M.fd copy."), path, (long long) st.st_size, size);
      return -EINVAL;
    }
  f->data = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, f->fd, 0);
  if (f->data == MAP_FAILED)
    {
      ret = -errno;
      f->data = NULL;
      *why = g_strdup_printf (_("Cannot map the UEFI variable store “%s”: %s."), path,
                              g_strerror (-ret));
      return ret;
    }
  f->path = g_strdup (path);
  return 0;
}

int
pflash_open (struct pflash *f, const char *path, const char *template_path, size_t size,
             char **why)
{
  int ret;

  memset (f, 0, sizeof *f);
  f->fd = -1;
  pthread_mutex_init (&f->lock, NULL);
  ret = pflash_open_contents (f, path, template_path, size, why);
  if (ret < 0)
    pflash_destroy (f);
  return ret;
}

/* Called with the lock held. */
static void
pflash_commit (struct pflash *f)
{
  if (!f->dirty)
    return;
  f->dirty = false;
  if (f->fd >= 0 && (msync (f->data, f->size, MS_SYNC) < 0 || fdatasync (f->fd) < 0))
    vmm_error ("cannot save the UEFI variable store “%s”: %s", f->path, g_strerror (errno));
}

/*
 * Called with the lock held. Only array mode (map) and the status and ID
 * modes the guest asks for explicitly (unmap) change the memory slot: OVMF
 * reads status only while probing, never between programming steps, and
 * every slot change costs the guest a flush of its nested page tables.
 */
static void
pflash_set_mode (struct pflash *f, enum pflash_mode mode, bool reads_device)
{
  bool map = !reads_device;

  f->mode = mode;
  if (mode == PFLASH_MODE_ARRAY)
    pflash_commit (f);
  else if (!reads_device)
    return;
  if (map != f->mapped && f->ops && f->ops->set_mapped)
    {
      if (f->ops->set_mapped (f->opaque, map) < 0)
        vmm_error ("flash: cannot %s the array", map ? "map" : "unmap");
      else
        f->mapped = map;
    }
}

void
pflash_read (struct pflash *f, uint64_t offset, void *data, unsigned size)
{
  uint8_t *out = data;

  pthread_mutex_lock (&f->lock);
  for (unsigned i = 0; i < size; i++)
    {
      uint64_t at = offset + i;

      switch (f->mode)
        {
        case PFLASH_MODE_ARRAY:
          out[i] = at < f->size ? f->data[at] : 0xff;
          break;
        case PFLASH_MODE_ID:
          out[i] = (at & 0xff) == 0 ? PFLASH_ID_MANUFACTURER
                   : (at & 0xff) == 1 ? PFLASH_ID_DEVICE : 0;
          break;
        default:
          /* Status mode, and the second cycle of program/erase, read status. */
          out[i] = f->status;
          break;
        }
    }
  pthread_mutex_unlock (&f->lock);
}

void
pflash_write (struct pflash *f, uint64_t offset, const void *data, unsigned size)
{
  const uint8_t *in = data;
  uint8_t cmd = in[0];

  pthread_mutex_lock (&f->lock);
  if (size == 0 || offset >= f->size || size > f->size - offset)
    {
      vmm_guest_error ("flash: %u-byte write at %#" G_GINT64_MODIFIER "x is outside it", size,
                       offset);
      goto out;
    }
  switch (f->mode)
    {
    case PFLASH_MODE_PROGRAM:
      /* Plain stores, not AND: OVMF erases before it programs. */
      memcpy (f->data + offset, in, size);
      f->dirty = true;
      f->status |= PFLASH_STATUS_READY;
      pflash_set_mode (f, PFLASH_MODE_STATUS, false);
      goto out;
    case PFLASH_MODE_ERASE:
      if (cmd == PFLASH_CMD_ERASE_CONFIRM)
        {
          memset (f->data + (offset & ~(uint64_t) (PFLASH_BLOCK_SIZE - 1)), 0xff,
                  PFLASH_BLOCK_SIZE);
          f->dirty = true;
          f->status |= PFLASH_STATUS_READY;
        }
      else
        {
          /* A broken command sequence: both error bits, as Intel parts do. */
          vmm_guest_error ("flash: erase not confirmed (%#x)", cmd);
          f->status |= PFLASH_STATUS_READY | PFLASH_STATUS_ERASE_ERROR |
                       PFLASH_STATUS_PROGRAM_ERROR;
        }
      pflash_set_mode (f, PFLASH_MODE_STATUS, false);
      goto out;
    default:
      break;
    }

  switch (cmd)
    {
    case 0x00:
    case PFLASH_CMD_READ_ARRAY:
      pflash_set_mode (f, PFLASH_MODE_ARRAY, false);
      break;
    case PFLASH_CMD_PROGRAM:
    case PFLASH_CMD_PROGRAM_ALT:
      pflash_set_mode (f, PFLASH_MODE_PROGRAM, false);
      break;
    case PFLASH_CMD_ERASE:
      pflash_set_mode (f, PFLASH_MODE_ERASE, false);
      break;
    case PFLASH_CMD_CLEAR_STATUS:
      /* Clears the status and reads the array again, which OVMF's probe
       * relies on: the probed byte must read back unchanged. */
      f->status = 0;
      pflash_set_mode (f, PFLASH_MODE_ARRAY, false);
      break;
    case PFLASH_CMD_READ_STATUS:
      pflash_set_mode (f, PFLASH_MODE_STATUS, true);
      break;
    case PFLASH_CMD_READ_ID:
      pflash_set_mode (f, PFLASH_MODE_ID, true);
      break;
    default:
      vmm_guest_error ("flash: unknown command %#x", cmd);
      f->status |= PFLASH_STATUS_READY | PFLASH_STATUS_ERASE_ERROR | PFLASH_STATUS_PROGRAM_ERROR;
      pflash_set_mode (f, PFLASH_MODE_STATUS, false);
      break;
    }
out:
  pthread_mutex_unlock (&f->lock);
}

static void
pflash_bus_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  pflash_read (opaque, offset, data, size);
}

static void
pflash_bus_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  pflash_write (opaque, offset, data, size);
}

static const struct bus_ops pflash_bus_ops = {
  .read = pflash_bus_read,
  .write = pflash_bus_write,
};

int
pflash_attach (struct pflash *f, struct bus *mmio, uint64_t base, const struct pflash_ops *ops,
               void *opaque)
{
  int ret;

  f->ops = ops;
  f->opaque = opaque;
  ret = bus_register (mmio, base, f->size, &pflash_bus_ops, f, "pflash");
  if (ret < 0)
    {
      vmm_error ("flash: cannot claim %#" G_GINT64_MODIFIER "x: %s", base, g_strerror (-ret));
      return ret;
    }
  f->mmio = mmio;
  f->base = base;
  pthread_mutex_lock (&f->lock);
  f->mode = PFLASH_MODE_ARRAY;
  if (ops && ops->set_mapped)
    {
      ret = ops->set_mapped (opaque, true);
      f->mapped = ret == 0;
    }
  pthread_mutex_unlock (&f->lock);
  return ret;
}

void
pflash_destroy (struct pflash *f)
{
  if (f->mmio)
    bus_unregister (f->mmio, f->base);
  if (f->data)
    {
      pthread_mutex_lock (&f->lock);
      pflash_commit (f);
      pthread_mutex_unlock (&f->lock);
      munmap (f->data, f->size);
    }
  if (f->fd >= 0)
    close (f->fd);
  g_free (f->path);
  pthread_mutex_destroy (&f->lock);
  memset (f, 0, sizeof *f);
  f->fd = -1;
}
