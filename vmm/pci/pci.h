/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "irq.h"

/*
 * PCI: one root bus (bus 0) behind configuration mechanism #1 (0xCF8/0xCFC)
 * and PCI Express ECAM at VM_ECAM_BASE. Devices keep their 4 KiB config space
 * in memory with masks saying which bits the guest may write; the core does
 * BAR sizing and placement, (un)maps BARs on the port-I/O and MMIO buses when
 * the guest moves them or toggles decoding, and routes INTx.
 *
 * All config accesses are serialized by the bus lock; a device's hooks run
 * with it held and must not call back into the PCI bus.
 */

#define PCI_CONFIG_SPACE_SIZE 4096
#define PCI_NUM_BARS          6
#define PCI_MAX_DEVFN         256
#define PCI_DEVFN(slot, fn)   (((slot) << 3) | (fn))

/* Standard config registers (offsets). */
#define PCI_VENDOR_ID        0x00
#define PCI_DEVICE_ID        0x02
#define PCI_COMMAND          0x04
#define PCI_STATUS           0x06
#define PCI_REVISION_ID      0x08
#define PCI_CLASS_PROG       0x09
#define PCI_HEADER_TYPE      0x0e
#define PCI_BASE_ADDRESS_0   0x10
#define PCI_SUBSYSTEM_VENDOR_ID 0x2c
#define PCI_SUBSYSTEM_ID     0x2e
#define PCI_CAPABILITY_LIST  0x34
#define PCI_INTERRUPT_LINE   0x3c
#define PCI_INTERRUPT_PIN    0x3d

#define PCI_COMMAND_IO           0x1
#define PCI_COMMAND_MEMORY       0x2
#define PCI_COMMAND_MASTER       0x4
#define PCI_COMMAND_INTX_DISABLE 0x400
#define PCI_STATUS_INTERRUPT     0x08
#define PCI_STATUS_CAP_LIST      0x10

#define PCI_CAP_ID_MSIX      0x11
#define PCI_CAP_ID_VNDR      0x09
#define PCI_CAP_ID_EXP       0x10

/* BAR flags for pci_device_set_bar(). */
#define PCI_BAR_IO        (1u << 0)
#define PCI_BAR_MEM64     (1u << 1)
#define PCI_BAR_PREFETCH  (1u << 2)

struct pci_device;
struct pci_bus;

struct pci_device_ops {
  /* After a guest config write landed in dev->config (e.g. MSI-X enable). */
  void (*config_written) (struct pci_device *dev, unsigned offset, unsigned size);
  /* After BAR @bar was mapped at @addr or unmapped (e.g. to move ioeventfds). */
  void (*bar_mapped) (struct pci_device *dev, unsigned bar, uint64_t addr, bool mapped);
};

struct pci_bar {
  uint64_t size;             /* power of two; 0: unused */
  unsigned flags;
  const struct bus_ops *ops;
  void *opaque;
  /* Managed by the core: */
  uint64_t addr;
  bool mapped;
};

struct pci_device {
  const char *name;
  uint8_t config[PCI_CONFIG_SPACE_SIZE];
  uint8_t wmask[PCI_CONFIG_SPACE_SIZE];   /* bits the guest may change */
  uint8_t w1cmask[PCI_CONFIG_SPACE_SIZE]; /* bits a guest write of 1 clears */
  struct pci_bar bars[PCI_NUM_BARS];
  const struct pci_device_ops *ops;
  void *opaque;                           /* for the owning device */

  /* Set when added to a bus: */
  struct pci_bus *bus;
  unsigned devfn;
  struct irq_line intx;                   /* routed by the bus from slot and pin */
  int intx_level;
  unsigned next_cap_offset;
};

/* Fills the header: IDs, class (24-bit: base, sub, prog-if), revision,
 * subsystem, the writable command bits and the status register's masks. */
void pci_device_init (struct pci_device *dev, const char *name, uint16_t vendor_id,
                      uint16_t device_id, uint32_t class_code, uint8_t revision,
                      uint16_t subsystem_vendor_id, uint16_t subsystem_id);

/* Declares BAR @bar (a 64-bit BAR also takes @bar + 1). Before adding to a bus. */
void pci_device_set_bar (struct pci_device *dev, unsigned bar, uint64_t size, unsigned flags,
                         const struct bus_ops *ops, void *opaque);

/* Appends a capability of @size bytes (header included) to the list; returns
 * its offset in config space. */
unsigned pci_device_add_capability (struct pci_device *dev, uint8_t cap_id, unsigned size);

/* 1 = INTA# .. 4 = INTD#. */
void pci_device_set_interrupt_pin (struct pci_device *dev, unsigned pin);

/* Drives INTx (level), honouring the command register's INTx disable and
 * keeping the status register's interrupt bit in step. */
void pci_device_set_intx (struct pci_device *dev, int level);

/* Little-endian config-space helpers for device code. */
static inline uint16_t pci_config_get16 (const struct pci_device *d, unsigned off)
{ return d->config[off] | (uint16_t) d->config[off + 1] << 8; }
static inline uint32_t pci_config_get32 (const struct pci_device *d, unsigned off)
{ return pci_config_get16 (d, off) | (uint32_t) pci_config_get16 (d, off + 2) << 16; }
static inline void pci_config_set16 (struct pci_device *d, unsigned off, uint16_t v)
{ d->config[off] = v; d->config[off + 1] = v >> 8; }
static inline void pci_config_set32 (struct pci_device *d, unsigned off, uint32_t v)
{ pci_config_set16 (d, off, v); pci_config_set16 (d, off + 2, v >> 16); }

struct pci_bus {
  pthread_mutex_t lock;
  struct bus *pio;
  struct bus *mmio;
  struct pci_device *devices[PCI_MAX_DEVFN];
  uint32_t config_address;          /* 0xCF8 latch */
  /* Wires INTx of a (slot, pin) to a GSI: the same table ACPI's _PRT gives. */
  struct irq_line (*route_intx) (void *opaque, unsigned slot, unsigned pin);
  void *route_opaque;
  /* Allocation windows for pci_bus_assign_resources(). */
  uint64_t io_next, io_end, mmio32_next, mmio32_end, mmio64_next, mmio64_end;
  uint64_t ecam_base, ecam_size;    /* as claimed by pci_bus_init() */
};

/* Claims 0xCF8 (the dword address latch) and 0xCFC..0xCFF on @pio, leaving
 * 0xCF9 to the reset control register, and the ECAM window on @mmio. The
 * allocation windows start as vm.h's PCI I/O, MMIO32 and MMIO64 windows. */
int pci_bus_init (struct pci_bus *pci, struct bus *pio, struct bus *mmio, uint64_t ecam_base,
                  uint64_t ecam_size) __attribute__ ((warn_unused_result));
void pci_bus_destroy (struct pci_bus *pci);

int pci_bus_add_device (struct pci_bus *pci, struct pci_device *dev, unsigned slot,
                        unsigned function) __attribute__ ((warn_unused_result));

/* Does what firmware would before a direct kernel boot: places every BAR in
 * the windows and enables decoding and bus mastering. */
int pci_bus_assign_resources (struct pci_bus *pci) __attribute__ ((warn_unused_result));

/* Config access by bus/devfn/offset, as the two access mechanisms (and tests) do. */
uint32_t pci_bus_config_read (struct pci_bus *pci, unsigned bus, unsigned devfn, unsigned offset,
                              unsigned size);
void pci_bus_config_write (struct pci_bus *pci, unsigned bus, unsigned devfn, unsigned offset,
                           unsigned size, uint32_t value);
