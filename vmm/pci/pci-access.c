/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pci"

#include "config.h"

#include "pci-access.h"

#include <glib.h>

/* The two ways a guest reaches config space: mechanism #1 and ECAM. */

#define PCI_CF8_ENABLE    0x80000000u

static uint32_t
pci_load (const void *data, unsigned size)
{
  const uint8_t *p = data;
  uint32_t v = 0;
  unsigned i;

  for (i = 0; i < size && i < 4; i++)
    v |= (uint32_t) p[i] << (8 * i);
  return v;
}

static void
pci_store (void *data, unsigned size, uint32_t v)
{
  uint8_t *p = data;
  unsigned i;

  for (i = 0; i < size; i++)
    p[i] = i < 4 ? v >> (8 * i) : 0xff;
}

/* 0xCF8: the address latch, dword accesses only (0xCF9 is the reset register). */
static void
pci_cf8_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct pci_bus *pci = opaque;

  if (offset != 0 || size != 4)
    {
      pci_store (data, size, 0xffffffff);
      return;
    }
  pthread_mutex_lock (&pci->lock);
  pci_store (data, 4, pci->config_address);
  pthread_mutex_unlock (&pci->lock);
}

static void
pci_cf8_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct pci_bus *pci = opaque;

  if (offset != 0 || size != 4)
    return;
  pthread_mutex_lock (&pci->lock);
  pci->config_address = pci_load (data, 4) & 0x80fffffcu;
  pthread_mutex_unlock (&pci->lock);
}

/* Decodes the latch for an access at 0xCFC + @offset; false when disabled. */
static bool
pci_cfc_target (struct pci_bus *pci, uint64_t offset, unsigned size, unsigned *bus,
                unsigned *devfn, unsigned *reg)
{
  uint32_t addr;

  if (offset + size > 4)
    return false;
  pthread_mutex_lock (&pci->lock);
  addr = pci->config_address;
  pthread_mutex_unlock (&pci->lock);
  if (!(addr & PCI_CF8_ENABLE))
    return false;
  *bus = (addr >> 16) & 0xff;
  *devfn = (addr >> 8) & 0xff;
  *reg = (addr & 0xfc) + offset;
  return true;
}

static void
pci_cfc_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct pci_bus *pci = opaque;
  unsigned bus, devfn, reg;

  if (size > 4 || !pci_cfc_target (pci, offset, size, &bus, &devfn, &reg))
    pci_store (data, size, 0xffffffff);
  else
    pci_store (data, size, pci_bus_config_read (pci, bus, devfn, reg, size));
}

static void
pci_cfc_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct pci_bus *pci = opaque;
  unsigned bus, devfn, reg;

  if (size <= 4 && pci_cfc_target (pci, offset, size, &bus, &devfn, &reg))
    pci_bus_config_write (pci, bus, devfn, reg, size, pci_load (data, size));
}

/* ECAM: bus << 20 | devfn << 12 | register. 8-byte accesses split in two. */
static void
pci_ecam_read (void *opaque, uint64_t offset, void *data, unsigned size)
{
  struct pci_bus *pci = opaque;
  uint8_t *p = data;
  unsigned done;

  for (done = 0; done < size; done += 4)
    {
      unsigned n = MIN (4u, size - done);
      uint64_t o = offset + done;

      pci_store (p + done, n, pci_bus_config_read (pci, o >> 20, (o >> 12) & 0xff, o & 0xfff, n));
    }
}

static void
pci_ecam_write (void *opaque, uint64_t offset, const void *data, unsigned size)
{
  struct pci_bus *pci = opaque;
  const uint8_t *p = data;
  unsigned done;

  for (done = 0; done < size; done += 4)
    {
      unsigned n = MIN (4u, size - done);
      uint64_t o = offset + done;

      pci_bus_config_write (pci, o >> 20, (o >> 12) & 0xff, o & 0xfff, n, pci_load (p + done, n));
    }
}

static const struct bus_ops pci_cf8_ops = { pci_cf8_read, pci_cf8_write };
static const struct bus_ops pci_cfc_ops = { pci_cfc_read, pci_cfc_write };
static const struct bus_ops pci_ecam_ops = { pci_ecam_read, pci_ecam_write };

int
pci_access_claim (struct pci_bus *pci, uint64_t ecam_base, uint64_t ecam_size)
{
  int ret;

  if ((ret = bus_register (pci->pio, 0xcf8, 1, &pci_cf8_ops, pci, "pci-config-address")) < 0)
    return ret;
  if ((ret = bus_register (pci->pio, 0xcfc, 4, &pci_cfc_ops, pci, "pci-config-data")) < 0)
    goto fail_cfc;
  if (ecam_size && (ret = bus_register (pci->mmio, ecam_base, ecam_size, &pci_ecam_ops, pci,
                                        "pci-ecam")) < 0)
    goto fail_ecam;
  return 0;

fail_ecam:
  bus_unregister (pci->pio, 0xcfc);
fail_cfc:
  bus_unregister (pci->pio, 0xcf8);
  return ret;
}

void
pci_access_release (struct pci_bus *pci, uint64_t ecam_base, uint64_t ecam_size)
{
  bus_unregister (pci->pio, 0xcf8);
  bus_unregister (pci->pio, 0xcfc);
  if (ecam_size)
    bus_unregister (pci->mmio, ecam_base);
}
