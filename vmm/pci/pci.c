/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pci"

#include "config.h"

#include "pci.h"

#include "pci-access.h"

#include "log.h"
#include "vm.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define PCI_BAR_REGS_END  (PCI_BASE_ADDRESS_0 + 4 * PCI_NUM_BARS)
#define PCI_FIRST_CAP     0x40
#define PCI_STATUS_W1C    0xf900u  /* the error bits: parity, aborts, SERR */
#define PCI_COMMAND_WRITABLE \
  (PCI_COMMAND_IO | PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | 0x40 /* parity */ | \
   0x100 /* SERR */ | PCI_COMMAND_INTX_DISABLE)

static void
pci_set_mask16 (uint8_t *mask, unsigned off, uint16_t v)
{
  mask[off] = v;
  mask[off + 1] = v >> 8;
}

static void
pci_set_mask32 (uint8_t *mask, unsigned off, uint32_t v)
{
  pci_set_mask16 (mask, off, v);
  pci_set_mask16 (mask, off + 2, v >> 16);
}

void
pci_device_init (struct pci_device *dev, const char *name, uint16_t vendor_id, uint16_t device_id,
                 uint32_t class_code, uint8_t revision, uint16_t subsystem_vendor_id,
                 uint16_t subsystem_id)
{
  /* ops and opaque belong to the owner and may already be set. */
  dev->name = name;
  memset (dev->config, 0, sizeof dev->config);
  memset (dev->wmask, 0, sizeof dev->wmask);
  memset (dev->w1cmask, 0, sizeof dev->w1cmask);
  memset (dev->bars, 0, sizeof dev->bars);
  dev->bus = NULL;
  dev->devfn = 0;
  memset (&dev->intx, 0, sizeof dev->intx);
  dev->intx_level = 0;
  dev->next_cap_offset = PCI_FIRST_CAP;

  pci_config_set16 (dev, PCI_VENDOR_ID, vendor_id);
  pci_config_set16 (dev, PCI_DEVICE_ID, device_id);
  dev->config[PCI_REVISION_ID] = revision;
  dev->config[PCI_CLASS_PROG] = class_code & 0xff;
  pci_config_set16 (dev, PCI_CLASS_PROG + 1, class_code >> 8);
  pci_config_set16 (dev, PCI_SUBSYSTEM_VENDOR_ID, subsystem_vendor_id);
  pci_config_set16 (dev, PCI_SUBSYSTEM_ID, subsystem_id);

  pci_set_mask16 (dev->wmask, PCI_COMMAND, PCI_COMMAND_WRITABLE);
  pci_set_mask16 (dev->w1cmask, PCI_STATUS, PCI_STATUS_W1C);
  dev->wmask[0x0c] = 0xff; /* cache line size */
  dev->wmask[0x0d] = 0xff; /* latency timer */
  dev->wmask[PCI_INTERRUPT_LINE] = 0xff;
}

void
pci_device_set_bar (struct pci_device *dev, unsigned bar, uint64_t size, unsigned flags,
                    const struct bus_ops *ops, void *opaque)
{
  unsigned off = PCI_BASE_ADDRESS_0 + 4 * bar;
  uint32_t low_bits;
  uint64_t mask;

  g_return_if_fail (bar < PCI_NUM_BARS);
  g_return_if_fail (!(flags & PCI_BAR_MEM64) || bar + 1 < PCI_NUM_BARS);
  g_return_if_fail (!(flags & PCI_BAR_IO) || !(flags & PCI_BAR_MEM64));
  g_return_if_fail (size != 0 && (size & (size - 1)) == 0);
  g_return_if_fail ((flags & PCI_BAR_IO) ? size <= 0x10000 : ((flags & PCI_BAR_MEM64) || size <= (1ull << 31)));

  /* The smallest BARs the spec allows: 4 bytes of I/O, 16 bytes of memory. */
  size = MAX (size, (flags & PCI_BAR_IO) ? 4u : 16u);
  dev->bars[bar] = (struct pci_bar) { .size = size, .flags = flags, .ops = ops, .opaque = opaque };

  if (flags & PCI_BAR_IO)
    low_bits = 0x1;
  else
    low_bits = ((flags & PCI_BAR_MEM64) ? 0x4 : 0) | ((flags & PCI_BAR_PREFETCH) ? 0x8 : 0);
  pci_config_set32 (dev, off, low_bits);

  /* Writable address bits above the size are what BAR sizing reads back. */
  mask = ~(size - 1);
  pci_set_mask32 (dev->wmask, off, (uint32_t) mask & ((flags & PCI_BAR_IO) ? ~0x3u : ~0xfu));
  if (flags & PCI_BAR_MEM64)
    {
      pci_config_set32 (dev, off + 4, 0);
      pci_set_mask32 (dev->wmask, off + 4, mask >> 32);
    }
}

unsigned
pci_device_add_capability (struct pci_device *dev, uint8_t cap_id, unsigned size)
{
  unsigned off = (dev->next_cap_offset + 3) & ~3u;
  unsigned prev;

  if (size < 2 || off + size > 0x100)
    {
      vmm_error ("%s: no room for capability 0x%02x (%u bytes)", dev->name, cap_id, size);
      return 0;
    }
  dev->config[off] = cap_id;
  dev->config[off + 1] = 0;
  if (dev->config[PCI_CAPABILITY_LIST] == 0)
    dev->config[PCI_CAPABILITY_LIST] = off;
  else
    {
      for (prev = dev->config[PCI_CAPABILITY_LIST]; dev->config[prev + 1] != 0;
           prev = dev->config[prev + 1])
        ;
      dev->config[prev + 1] = off;
    }
  dev->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
  dev->next_cap_offset = off + size;
  return off;
}

void
pci_device_set_interrupt_pin (struct pci_device *dev, unsigned pin)
{
  g_return_if_fail (pin <= 4);
  dev->config[PCI_INTERRUPT_PIN] = pin;
}

static bool
pci_intx_output (const struct pci_device *dev, int level)
{
  return level && !(pci_config_get16 (dev, PCI_COMMAND) & PCI_COMMAND_INTX_DISABLE);
}

/* Called with the bus lock held (or before the device is on a bus). */
static void
pci_device_set_intx_locked (struct pci_device *dev, int level)
{
  bool was = pci_intx_output (dev, dev->intx_level);
  bool now = pci_intx_output (dev, level);

  dev->intx_level = !!level;
  if (level)
    dev->config[PCI_STATUS] |= PCI_STATUS_INTERRUPT;
  else
    dev->config[PCI_STATUS] &= ~PCI_STATUS_INTERRUPT;
  /* Only transitions go out: the router counts sharers of a line. */
  if (was != now)
    irq_line_set (&dev->intx, now);
}

void
pci_device_set_intx (struct pci_device *dev, int level)
{
  struct pci_bus *pci = dev->bus;

  if (!pci)
    {
      dev->intx_level = !!level;
      return;
    }
  pthread_mutex_lock (&pci->lock);
  pci_device_set_intx_locked (dev, level);
  pthread_mutex_unlock (&pci->lock);
}

/* The address BAR @bar decodes now, or false when it decodes nothing. */
static bool
pci_bar_decoded_address (const struct pci_device *dev, unsigned bar, uint64_t *addr)
{
  const struct pci_bar *b = &dev->bars[bar];
  uint16_t cmd = pci_config_get16 (dev, PCI_COMMAND);
  uint32_t low = pci_config_get32 (dev, PCI_BASE_ADDRESS_0 + 4 * bar);
  uint64_t a;

  if (b->size == 0)
    return false;
  if (b->flags & PCI_BAR_IO)
    {
      if (!(cmd & PCI_COMMAND_IO))
        return false;
      a = low & ~0x3u;
      if (a == 0 || a + b->size > 0x10000)
        return false;
    }
  else
    {
      if (!(cmd & PCI_COMMAND_MEMORY))
        return false;
      a = low & ~0xfu;
      if (b->flags & PCI_BAR_MEM64)
        a |= (uint64_t) pci_config_get32 (dev, PCI_BASE_ADDRESS_0 + 4 * bar + 4) << 32;
      if (a == 0 || a + b->size < a)
        return false;
    }
  *addr = a;
  return true;
}

static void
pci_bar_unmap (struct pci_device *dev, unsigned bar)
{
  struct pci_bar *b = &dev->bars[bar];
  struct bus *bus = (b->flags & PCI_BAR_IO) ? dev->bus->pio : dev->bus->mmio;

  if (!b->mapped)
    return;
  bus_unregister (bus, b->addr);
  b->mapped = false;
  if (dev->ops && dev->ops->bar_mapped)
    dev->ops->bar_mapped (dev, bar, b->addr, false);
}

/* Brings the bus mappings in line with the BAR registers and decode bits. */
static void
pci_device_update_bars (struct pci_device *dev)
{
  unsigned i;

  for (i = 0; i < PCI_NUM_BARS; i++)
    {
      struct pci_bar *b = &dev->bars[i];
      struct bus *bus;
      uint64_t addr;
      bool decode = pci_bar_decoded_address (dev, i, &addr);
      int ret;

      if (b->size == 0)
        continue;
      if (b->mapped && decode && b->addr == addr)
        continue;
      pci_bar_unmap (dev, i);
      if (!decode)
        continue;
      bus = (b->flags & PCI_BAR_IO) ? dev->bus->pio : dev->bus->mmio;
      ret = bus_register (bus, addr, b->size, b->ops, b->opaque, dev->name);
      if (ret < 0)
        {
          /* Overlaps another device, or sizing in progress with decode on. */
          vmm_guest_error ("%s: BAR%u at 0x%" G_GINT64_MODIFIER "x not mapped: %s", dev->name, i,
                           addr, g_strerror (-ret));
          continue;
        }
      b->addr = addr;
      b->mapped = true;
      if (dev->ops && dev->ops->bar_mapped)
        dev->ops->bar_mapped (dev, i, addr, true);
    }
}

static struct pci_device *
pci_bus_lookup (struct pci_bus *pci, unsigned bus, unsigned devfn)
{
  if (bus != 0 || devfn >= PCI_MAX_DEVFN)
    return NULL;
  return pci->devices[devfn];
}

static uint32_t
pci_all_ones (unsigned size)
{
  return size >= 4 ? 0xffffffffu : (1u << (8 * size)) - 1;
}

uint32_t
pci_bus_config_read (struct pci_bus *pci, unsigned bus, unsigned devfn, unsigned offset,
                     unsigned size)
{
  struct pci_device *dev;
  uint32_t v = 0;
  unsigned i;

  if ((size != 1 && size != 2 && size != 4) || offset >= PCI_CONFIG_SPACE_SIZE ||
      offset + size > PCI_CONFIG_SPACE_SIZE)
    return pci_all_ones (size);

  pthread_mutex_lock (&pci->lock);
  dev = pci_bus_lookup (pci, bus, devfn);
  if (!dev)
    v = pci_all_ones (size);
  else
    for (i = 0; i < size; i++)
      v |= (uint32_t) dev->config[offset + i] << (8 * i);
  pthread_mutex_unlock (&pci->lock);
  return v;
}

static bool
pci_ranges_overlap (unsigned a, unsigned alen, unsigned b, unsigned blen)
{
  return a < b + blen && b < a + alen;
}

/* A config write as the guest does it; the bus lock is held. */
static void
pci_device_config_write (struct pci_device *dev, unsigned offset, unsigned size, uint32_t value)
{
  uint16_t old_cmd = pci_config_get16 (dev, PCI_COMMAND);
  unsigned i;

  for (i = 0; i < size; i++)
    {
      unsigned o = offset + i;
      uint8_t b = value >> (8 * i);

      dev->config[o] = (dev->config[o] & ~dev->wmask[o]) | (b & dev->wmask[o]);
      dev->config[o] &= ~(b & dev->w1cmask[o]);
    }

  if (pci_ranges_overlap (offset, size, PCI_COMMAND, 2) ||
      pci_ranges_overlap (offset, size, PCI_BASE_ADDRESS_0, PCI_BAR_REGS_END - PCI_BASE_ADDRESS_0))
    pci_device_update_bars (dev);

  if ((old_cmd ^ pci_config_get16 (dev, PCI_COMMAND)) & PCI_COMMAND_INTX_DISABLE)
    {
      bool was = dev->intx_level && !(old_cmd & PCI_COMMAND_INTX_DISABLE);
      bool now = pci_intx_output (dev, dev->intx_level);

      if (was != now)
        irq_line_set (&dev->intx, now);
    }

  if (dev->ops && dev->ops->config_written)
    dev->ops->config_written (dev, offset, size);
}

void
pci_bus_config_write (struct pci_bus *pci, unsigned bus, unsigned devfn, unsigned offset,
                      unsigned size, uint32_t value)
{
  struct pci_device *dev;

  if ((size != 1 && size != 2 && size != 4) || offset >= PCI_CONFIG_SPACE_SIZE ||
      offset + size > PCI_CONFIG_SPACE_SIZE)
    return;

  pthread_mutex_lock (&pci->lock);
  dev = pci_bus_lookup (pci, bus, devfn);
  if (dev)
    pci_device_config_write (dev, offset, size, value);
  pthread_mutex_unlock (&pci->lock);
}

int
pci_bus_init (struct pci_bus *pci, struct bus *pio, struct bus *mmio, uint64_t ecam_base,
              uint64_t ecam_size)
{
  pthread_mutexattr_t attr;
  int ret;

  memset (pci, 0, sizeof *pci);
  /* Recursive so a device hook may drive its INTx while a config write runs. */
  pthread_mutexattr_init (&attr);
  pthread_mutexattr_settype (&attr, PTHREAD_MUTEX_RECURSIVE);
  pthread_mutex_init (&pci->lock, &attr);
  pthread_mutexattr_destroy (&attr);
  pci->pio = pio;
  pci->mmio = mmio;
  pci->io_next = VM_PCI_IO_BASE;
  pci->io_end = VM_PCI_IO_END;
  pci->mmio32_next = VM_MMIO32_BASE;
  pci->mmio32_end = VM_MMIO32_END;
  pci->mmio64_next = VM_MMIO64_BASE;
  pci->mmio64_end = VM_MMIO64_BASE + VM_MMIO64_SIZE;

  if ((ret = pci_access_claim (pci, ecam_base, ecam_size)) < 0)
    goto fail;
  pci->ecam_base = ecam_base;
  pci->ecam_size = ecam_size;
  return 0;

fail:
  vmm_error ("Cannot claim the PCI configuration ranges: %s", g_strerror (-ret));
  pthread_mutex_destroy (&pci->lock);
  return ret;
}

void
pci_bus_destroy (struct pci_bus *pci)
{
  unsigned devfn, i;

  pthread_mutex_lock (&pci->lock);
  for (devfn = 0; devfn < PCI_MAX_DEVFN; devfn++)
    {
      struct pci_device *dev = pci->devices[devfn];

      if (!dev)
        continue;
      for (i = 0; i < PCI_NUM_BARS; i++)
        pci_bar_unmap (dev, i);
      dev->bus = NULL;
      pci->devices[devfn] = NULL;
    }
  pthread_mutex_unlock (&pci->lock);
  pci_access_release (pci, pci->ecam_base, pci->ecam_size);
  pthread_mutex_destroy (&pci->lock);
}

int
pci_bus_add_device (struct pci_bus *pci, struct pci_device *dev, unsigned slot, unsigned function)
{
  unsigned devfn, fn;
  unsigned pin = dev->config[PCI_INTERRUPT_PIN];

  if (slot >= 32 || function >= 8)
    return -EINVAL;
  devfn = PCI_DEVFN (slot, function);

  pthread_mutex_lock (&pci->lock);
  if (pci->devices[devfn])
    {
      pthread_mutex_unlock (&pci->lock);
      vmm_error ("PCI slot %02x.%u is taken: cannot add %s", slot, function, dev->name);
      return -EEXIST;
    }
  dev->bus = pci;
  dev->devfn = devfn;
  if (pin >= 1 && pin <= 4 && pci->route_intx)
    {
      dev->intx = pci->route_intx (pci->route_opaque, slot, pin);
      if (dev->intx.gsi < 256)
        dev->config[PCI_INTERRUPT_LINE] = dev->intx.gsi;
      if (dev->intx_level)
        {
          /* The device raised INTx before it was plugged in. */
          dev->intx_level = 0;
          pci_device_set_intx_locked (dev, 1);
        }
    }
  pci->devices[devfn] = dev;

  /* Guests scan functions 1..7 only when function 0 says it has them. */
  for (fn = 1; fn < 8; fn++)
    if (pci->devices[PCI_DEVFN (slot, fn)])
      break;
  if (fn < 8 && pci->devices[PCI_DEVFN (slot, 0)])
    pci->devices[PCI_DEVFN (slot, 0)]->config[PCI_HEADER_TYPE] |= 0x80;
  pthread_mutex_unlock (&pci->lock);
  return 0;
}

struct pci_bar_ref {
  struct pci_device *dev;
  unsigned bar;
};

static int
pci_bar_ref_compare (const void *a, const void *b)
{
  const struct pci_bar_ref *x = a, *y = b;
  uint64_t sx = x->dev->bars[x->bar].size, sy = y->dev->bars[y->bar].size;

  /* Largest first packs naturally aligned BARs without holes. */
  if (sx != sy)
    return sx > sy ? -1 : 1;
  if (x->dev->devfn != y->dev->devfn)
    return x->dev->devfn < y->dev->devfn ? -1 : 1;
  return (int) x->bar - (int) y->bar;
}

static bool
pci_window_alloc (uint64_t *next, uint64_t end, uint64_t size, uint64_t *addr)
{
  uint64_t a = (*next + size - 1) & ~(size - 1);

  if (a < *next || a + size < a || a + size > end)
    return false;
  *addr = a;
  *next = a + size;
  return true;
}

int
pci_bus_assign_resources (struct pci_bus *pci)
{
  g_autofree struct pci_bar_ref *refs = g_new (struct pci_bar_ref, PCI_MAX_DEVFN * PCI_NUM_BARS);
  unsigned n = 0, devfn, i;
  int ret = 0;

  pthread_mutex_lock (&pci->lock);
  for (devfn = 0; devfn < PCI_MAX_DEVFN; devfn++)
    if (pci->devices[devfn])
      for (i = 0; i < PCI_NUM_BARS; i++)
        if (pci->devices[devfn]->bars[i].size)
          refs[n++] = (struct pci_bar_ref) { pci->devices[devfn], i };
  qsort (refs, n, sizeof *refs, pci_bar_ref_compare);

  for (i = 0; i < n; i++)
    {
      struct pci_device *dev = refs[i].dev;
      const struct pci_bar *b = &dev->bars[refs[i].bar];
      unsigned off = PCI_BASE_ADDRESS_0 + 4 * refs[i].bar;
      uint64_t addr;
      bool ok;

      if (b->flags & PCI_BAR_IO)
        ok = pci_window_alloc (&pci->io_next, pci->io_end, b->size, &addr);
      else if (b->flags & PCI_BAR_MEM64)
        /* Below 4 GiB first: guests whose CPUs have 39 address bits cannot
         * reach the 64-bit window. */
        ok = pci_window_alloc (&pci->mmio32_next, pci->mmio32_end, b->size, &addr) ||
             pci_window_alloc (&pci->mmio64_next, pci->mmio64_end, b->size, &addr);
      else
        ok = pci_window_alloc (&pci->mmio32_next, pci->mmio32_end, b->size, &addr);
      if (!ok)
        {
          vmm_error ("%s: no room for BAR%u (%" G_GUINT64_FORMAT " bytes) in the PCI windows",
                     dev->name, refs[i].bar, b->size);
          ret = -ENOSPC;
          continue;
        }
      pci_device_config_write (dev, off, 4, (uint32_t) addr);
      if (b->flags & PCI_BAR_MEM64)
        pci_device_config_write (dev, off + 4, 4, addr >> 32);
    }

  for (devfn = 0; devfn < PCI_MAX_DEVFN; devfn++)
    {
      struct pci_device *dev = pci->devices[devfn];
      uint16_t cmd;

      if (!dev)
        continue;
      cmd = pci_config_get16 (dev, PCI_COMMAND) | PCI_COMMAND_MASTER;
      for (i = 0; i < PCI_NUM_BARS; i++)
        if (dev->bars[i].size)
          cmd |= (dev->bars[i].flags & PCI_BAR_IO) ? PCI_COMMAND_IO : PCI_COMMAND_MEMORY;
      pci_device_config_write (dev, PCI_COMMAND, 2, cmd);
    }
  pthread_mutex_unlock (&pci->lock);
  return ret;
}
