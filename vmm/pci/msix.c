/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "msix"

#include "config.h"

#include "msix.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "log.h"

#define MSIX_CAP_SIZE        12
#define MSIX_CTRL_ENABLE     0x8000
#define MSIX_CTRL_MASKALL    0x4000
#define MSIX_ENTRY_SIZE      16
#define MSIX_ENTRY_CTRL_MASK 1u

static void msix_bar_read (void *opaque, uint64_t offset, void *data, unsigned size);
static void msix_bar_write (void *opaque, uint64_t offset, const void *data, unsigned size);

static const struct bus_ops msix_bar_ops = {
  .read = msix_bar_read,
  .write = msix_bar_write,
};

int
msix_init (struct msix *msix, struct pci_device *dev, unsigned bar, unsigned n,
           const struct msix_delivery *delivery)
{
  uint64_t end;
  int ret;

  memset (msix, 0, sizeof *msix);
  msix->delivery = *delivery;
  if (n == 0 || n > MSIX_MAX_VECTORS || bar >= PCI_NUM_BARS)
    {
      vmm_error ("%s: bad MSI-X set-up (%u vectors in BAR %u)", dev->name, n, bar);
      ret = -EINVAL;
      goto fail;
    }
  ret = delivery->ops->setup (delivery->opaque, n);
  if (ret < 0)
    {
      vmm_error ("%s: cannot set up %u MSI-X vectors: %s", dev->name, n, g_strerror (-ret));
      goto fail;
    }

  msix->cap = pci_device_add_capability (dev, PCI_CAP_ID_MSIX, MSIX_CAP_SIZE);
  if (!msix->cap)
    {
      ret = -ENOSPC;
      goto fail;
    }
  msix->dev = dev;
  msix->bar = bar;
  msix->n = n;
  msix->pba_offset = n * MSIX_ENTRY_SIZE;
  end = msix->pba_offset + (n + 63) / 64 * 8;
  msix->bar_size = 4096;
  while (msix->bar_size < end)
    msix->bar_size <<= 1;
  pthread_mutex_init (&msix->lock, NULL);
  msix->vectors = g_new0 (struct msix_vector, n);
  for (unsigned i = 0; i < n; i++)
    msix->vectors[i].control = MSIX_ENTRY_CTRL_MASK;

  pci_config_set16 (dev, msix->cap + 2, n - 1);
  pci_config_set32 (dev, msix->cap + 4, 0 | bar);
  pci_config_set32 (dev, msix->cap + 8, msix->pba_offset | bar);
  dev->wmask[msix->cap + 3] = (MSIX_CTRL_ENABLE | MSIX_CTRL_MASKALL) >> 8;
  pci_device_set_bar (dev, bar, msix->bar_size, 0, &msix_bar_ops, msix);
  return 0;

fail:
  if (delivery->ops->teardown)
    delivery->ops->teardown (delivery->opaque);
  msix->delivery.ops = NULL;
  return ret;
}

void
msix_destroy (struct msix *msix)
{
  if (msix->delivery.ops && msix->delivery.ops->teardown)
    msix->delivery.ops->teardown (msix->delivery.opaque);
  msix->delivery.ops = NULL;
  if (msix->vectors)
    {
      g_clear_pointer (&msix->vectors, g_free);
      pthread_mutex_destroy (&msix->lock);
    }
}

static bool
msix_vector_masked (const struct msix *msix, unsigned v)
{
  return msix->function_masked || (msix->vectors[v].control & MSIX_ENTRY_CTRL_MASK);
}

/* With the lock held: sends what became deliverable. */
static void
msix_flush_pending (struct msix *msix)
{
  if (!msix->enabled || msix->function_masked)
    return;
  for (unsigned v = 0; v < msix->n; v++)
    {
      struct msix_vector *vec = &msix->vectors[v];

      if (vec->pending && !(vec->control & MSIX_ENTRY_CTRL_MASK))
        {
          vec->pending = false;
          msix->delivery.ops->fire (msix->delivery.opaque, v, vec->address, vec->data);
        }
    }
}

void
msix_config_written (struct msix *msix, unsigned offset, unsigned size)
{
  uint16_t ctrl;

  if (!msix->vectors || offset + size <= msix->cap + 2 || offset >= msix->cap + 4)
    return;
  ctrl = pci_config_get16 (msix->dev, msix->cap + 2);
  pthread_mutex_lock (&msix->lock);
  msix->enabled = ctrl & MSIX_CTRL_ENABLE;
  msix->function_masked = ctrl & MSIX_CTRL_MASKALL;
  msix_flush_pending (msix);
  pthread_mutex_unlock (&msix->lock);
}

void
msix_reset (struct msix *msix)
{
  pthread_mutex_lock (&msix->lock);
  msix->enabled = msix->function_masked = false;
  for (unsigned v = 0; v < msix->n; v++)
    msix->vectors[v] = (struct msix_vector) { .control = MSIX_ENTRY_CTRL_MASK };
  pthread_mutex_unlock (&msix->lock);
  pci_config_set16 (msix->dev, msix->cap + 2, msix->n - 1);
}

bool
msix_is_enabled (struct msix *msix)
{
  bool enabled;

  pthread_mutex_lock (&msix->lock);
  enabled = msix->enabled;
  pthread_mutex_unlock (&msix->lock);
  return enabled;
}

bool
msix_notify (struct msix *msix, unsigned vector)
{
  bool enabled;

  pthread_mutex_lock (&msix->lock);
  enabled = msix->enabled;
  if (enabled && vector < msix->n)
    {
      struct msix_vector *vec = &msix->vectors[vector];

      if (msix_vector_masked (msix, vector))
        vec->pending = true;
      else
        msix->delivery.ops->fire (msix->delivery.opaque, vector, vec->address, vec->data);
    }
  pthread_mutex_unlock (&msix->lock);
  return enabled;
}

/* One aligned dword of the table or PBA. */
static uint32_t
msix_read32 (struct msix *msix, uint64_t offset)
{
  if (offset < msix->pba_offset)
    {
      const struct msix_vector *vec = &msix->vectors[offset / MSIX_ENTRY_SIZE];

      switch (offset % MSIX_ENTRY_SIZE)
        {
        case 0: return (uint32_t) vec->address;
        case 4: return vec->address >> 32;
        case 8: return vec->data;
        default: return vec->control;
        }
    }
  offset -= msix->pba_offset;
  if (offset < (msix->n + 31) / 32 * 4)
    {
      uint32_t bits = 0;

      for (unsigned i = 0; i < 32; i++)
        {
          unsigned v = offset * 8 + i;

          if (v < msix->n && msix->vectors[v].pending)
            bits |= 1u << i;
        }
      return bits;
    }
  return 0;
}

static void
msix_write32 (struct msix *msix, uint64_t offset, uint32_t value)
{
  struct msix_vector *vec;
  unsigned v;

  if (offset >= msix->pba_offset)
    return;  /* the PBA is read-only */
  v = offset / MSIX_ENTRY_SIZE;
  vec = &msix->vectors[v];
  switch (offset % MSIX_ENTRY_SIZE)
    {
    case 0:
      vec->address = (vec->address & ~0xffffffffull) | value;
      break;
    case 4:
      vec->address = (vec->address & 0xffffffffull) | (uint64_t) value << 32;
      break;
    case 8:
      vec->data = value;
      break;
    default:
      vec->control = value & MSIX_ENTRY_CTRL_MASK;
      msix_flush_pending (msix);
      return;
    }
  msix->delivery.ops->update (msix->delivery.opaque, v, vec->address, vec->data);
}

static void
msix_bar_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct msix *msix = opaque;
  uint64_t value;

  if ((size != 4 && size != 8) || offset % size || offset + size > msix->bar_size)
    {
      memset (data, 0xff, size);
      return;
    }
  pthread_mutex_lock (&msix->lock);
  value = msix_read32 (msix, offset);
  if (size == 8)
    value |= (uint64_t) msix_read32 (msix, offset + 4) << 32;
  pthread_mutex_unlock (&msix->lock);
  memcpy (data, &value, size);
}

static void
msix_bar_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct msix *msix = opaque;
  uint64_t value = 0;

  if ((size != 4 && size != 8) || offset % size || offset + size > msix->bar_size)
    {
      vmm_guest_error ("%s: MSI-X access of %u bytes at %#" G_GINT64_MODIFIER "x ignored",
                       msix->dev->name, size, offset);
      return;
    }
  memcpy (&value, data, size);
  pthread_mutex_lock (&msix->lock);
  msix_write32 (msix, offset, (uint32_t) value);
  if (size == 8)
    msix_write32 (msix, offset + 4, value >> 32);
  pthread_mutex_unlock (&msix->lock);
}
