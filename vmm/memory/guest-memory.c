/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "guest-memory"

#include "config.h"

#include "guest-memory.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "log.h"

int
guest_memory_init (struct guest_memory *mem, uint64_t size, uint64_t low_limit)
{
  uint64_t low;
  int err;

  memset (mem, 0, sizeof *mem);
  mem->fd = -1;

  if (size == 0 || size % 4096 || low_limit == 0 || low_limit % 4096 ||
      low_limit > GUEST_MEMORY_HIGH_BASE)
    {
      vmm_error ("guest memory: size %#" G_GINT64_MODIFIER "x or PCI hole start %#"
                 G_GINT64_MODIFIER "x is not page aligned", size, low_limit);
      return -EINVAL;
    }

  mem->fd = memfd_create ("terrarium-guest-ram", MFD_CLOEXEC);
  if (mem->fd < 0)
    {
      err = errno;
      vmm_error ("guest memory: memfd_create: %s", g_strerror (err));
      return -err;
    }
  if (ftruncate (mem->fd, size) < 0)
    {
      err = errno;
      vmm_error ("guest memory: cannot size RAM to %" G_GUINT64_FORMAT " MiB: %s",
                 size >> 20, g_strerror (err));
      goto fail;
    }

  /* MAP_NORESERVE: RAM the guest never touches costs the host nothing. */
  mem->base = mmap (NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_NORESERVE, mem->fd, 0);
  if (mem->base == MAP_FAILED)
    {
      err = errno;
      mem->base = NULL;
      vmm_error ("guest memory: cannot map %" G_GUINT64_FORMAT " MiB: %s",
                 size >> 20, g_strerror (err));
      goto fail;
    }
  /* Huge pages make guest page walks cheaper; a failure only costs speed. */
  madvise (mem->base, size, MADV_HUGEPAGE);
  madvise (mem->base, size, MADV_DONTDUMP);

  mem->size = size;
  low = MIN (size, low_limit);
  mem->regions[0] = (struct guest_memory_region) { 0, low, mem->base, 0 };
  mem->n_regions = 1;
  if (size > low)
    {
      mem->regions[1] = (struct guest_memory_region) {
        GUEST_MEMORY_HIGH_BASE, size - low, mem->base + low, low
      };
      mem->n_regions = 2;
    }
  return 0;

fail:
  close (mem->fd);
  mem->fd = -1;
  return -err;
}

void
guest_memory_destroy (struct guest_memory *mem)
{
  if (mem->base)
    munmap (mem->base, mem->size);
  if (mem->fd >= 0)
    close (mem->fd);
  memset (mem, 0, sizeof *mem);
  mem->fd = -1;
}

void *
guest_memory_ptr (const struct guest_memory *mem, uint64_t gpa, uint64_t len)
{
  for (unsigned i = 0; i < mem->n_regions; i++)
    {
      const struct guest_memory_region *r = &mem->regions[i];

      /* Written so that no sum can overflow, whatever the guest passed. */
      if (gpa >= r->gpa && gpa - r->gpa <= r->size && len <= r->size - (gpa - r->gpa))
        return r->host + (gpa - r->gpa);
    }
  return NULL;
}

int
guest_memory_read (const struct guest_memory *mem, uint64_t gpa, void *buf, size_t len)
{
  const void *src = guest_memory_ptr (mem, gpa, len);

  if (!src)
    return -EFAULT;
  memcpy (buf, src, len);
  return 0;
}

int
guest_memory_write (const struct guest_memory *mem, uint64_t gpa, const void *buf, size_t len)
{
  void *dst = guest_memory_ptr (mem, gpa, len);

  if (!dst)
    return -EFAULT;
  memcpy (dst, buf, len);
  return 0;
}

uint64_t
guest_memory_low_size (const struct guest_memory *mem)
{
  return mem->n_regions ? mem->regions[0].size : 0;
}

uint64_t
guest_memory_end (const struct guest_memory *mem)
{
  const struct guest_memory_region *r;

  if (!mem->n_regions)
    return 0;
  r = &mem->regions[mem->n_regions - 1];
  return r->gpa + r->size;
}

void
guest_memory_clear (struct guest_memory *mem)
{
  /* Dropping the pages zeroes them and gives the memory back to the host. */
  if (fallocate (mem->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, mem->size) < 0)
    memset (mem->base, 0, mem->size);
}
