/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "pci-host"

#include "config.h"

#include "pci-host.h"

#include "log.h"
#include "platform/pm.h"
#include "vm.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#define MCH_PCIEXBAR       0x60
#define MCH_PAM0           0x90
#define MCH_PAM_COUNT      7
#define MCH_SMRAM          0x9d
#define MCH_ESMRAMC        0x9e

#define LPC_PMBASE         0x40
#define LPC_ACPI_CNTL      0x44
#define LPC_ACPI_CNTL_EN   0x80
#define LPC_PIRQA_ROUT     0x60
#define LPC_PIRQE_ROUT     0x68
#define LPC_PIRQ_DISABLED  0x80

unsigned
pci_host_intx_gsi (unsigned slot, unsigned pin)
{
  /* Rotating by slot spreads single-function devices over the four pins. */
  return PCI_HOST_INTX_GSI_BASE + (slot + pin - 1) % PCI_HOST_INTX_GSIS;
}

/* One device's INTx changed (the core reports transitions only). */
static void
pci_host_intx_set (void *opaque, unsigned gsi, int level)
{
  struct pci_host *host = opaque;
  unsigned i = gsi - PCI_HOST_INTX_GSI_BASE;
  bool drive = false, out = false;

  if (i >= PCI_HOST_INTX_GSIS)
    return;
  pthread_mutex_lock (&host->intx_lock);
  if (level)
    drive = host->intx_count[i]++ == 0, out = true;
  else if (host->intx_count[i] > 0)
    drive = --host->intx_count[i] == 0, out = false;
  /* Under the lock, so two sharers cannot reorder their edges. */
  if (drive && host->gsi_out.set_level)
    host->gsi_out.set_level (host->gsi_out.opaque, gsi, out);
  pthread_mutex_unlock (&host->intx_lock);
}

struct irq_line
pci_host_route_intx (void *opaque, unsigned slot, unsigned pin)
{
  return (struct irq_line) {
    .set_level = pci_host_intx_set,
    .opaque = opaque,
    .gsi = pci_host_intx_gsi (slot, pin),
  };
}

static void
pci_host_lpc_config_written (struct pci_device *dev, unsigned offset, unsigned size)
{
  struct pci_host *host = dev->opaque;
  uint16_t base;
  bool enabled;

  if (offset >= LPC_ACPI_CNTL + 1 || offset + size <= LPC_PMBASE || !host->pm)
    return;
  base = pci_config_get32 (dev, LPC_PMBASE) & 0xff80;
  enabled = (dev->config[LPC_ACPI_CNTL] & LPC_ACPI_CNTL_EN) != 0;
  pm_set_base (host->pm, base, enabled);
}

static const struct pci_device_ops pci_host_lpc_ops = {
  .config_written = pci_host_lpc_config_written,
};

static void
pci_host_init_mch (struct pci_host *host)
{
  struct pci_device *d = &host->mch;
  unsigned i;

  pci_device_init (d, "q35-mch", 0x8086, 0x29c0, 0x060000, 0, 0, 0);
  /* Fixed where vm.h puts ECAM, 256 buses, enabled; firmware only reads it back. */
  pci_config_set32 (d, MCH_PCIEXBAR, (uint32_t) VM_ECAM_BASE | 0x1);
  pci_config_set32 (d, MCH_PCIEXBAR + 4, VM_ECAM_BASE >> 32);
  /* Shadow RAM control: SeaBIOS writes and reads these back. */
  for (i = 0; i < MCH_PAM_COUNT; i++)
    d->wmask[MCH_PAM0 + i] = i == 0 ? 0x30 : 0x33;
  d->wmask[MCH_SMRAM] = 0x78;
  d->wmask[MCH_ESMRAMC] = 0x8e;
  d->config[MCH_SMRAM] = 0x02;
  d->config[MCH_ESMRAMC] = 0x38;
}

static void
pci_host_init_lpc (struct pci_host *host)
{
  struct pci_device *d = &host->lpc;
  unsigned i;

  d->ops = &pci_host_lpc_ops;
  d->opaque = host;
  pci_device_init (d, "ich9-lpc", 0x8086, 0x2918, 0x060100, 2, 0, 0);
  /* PMBASE: a 128-byte I/O block; bit 0 says "I/O space". */
  pci_config_set32 (d, LPC_PMBASE, PCI_HOST_PMBASE_DEFAULT | 0x1);
  d->wmask[LPC_PMBASE] = 0x80;
  d->wmask[LPC_PMBASE + 1] = 0xff;
  d->config[LPC_ACPI_CNTL] = LPC_ACPI_CNTL_EN; /* SCI on IRQ 9 (select 0) */
  d->wmask[LPC_ACPI_CNTL] = LPC_ACPI_CNTL_EN | 0x07;
  /* PIRQ routing is stored for firmware; interrupts follow our fixed table. */
  for (i = 0; i < 4; i++)
    {
      d->config[LPC_PIRQA_ROUT + i] = LPC_PIRQ_DISABLED;
      d->config[LPC_PIRQE_ROUT + i] = LPC_PIRQ_DISABLED;
      d->wmask[LPC_PIRQA_ROUT + i] = 0x8f;
      d->wmask[LPC_PIRQE_ROUT + i] = 0x8f;
    }
}

int
pci_host_init (struct pci_host *host, struct pci_bus *pci, const struct irq_line *gsi_out,
               struct pm *pm)
{
  int ret;

  memset (host, 0, sizeof *host);
  pthread_mutex_init (&host->intx_lock, NULL);
  host->pm = pm;
  if (gsi_out)
    host->gsi_out = *gsi_out;
  pci->route_intx = pci_host_route_intx;
  pci->route_opaque = host;

  pci_host_init_mch (host);
  pci_host_init_lpc (host);
  if ((ret = pci_bus_add_device (pci, &host->mch, 0, 0)) < 0 ||
      (ret = pci_bus_add_device (pci, &host->lpc, 0x1f, 0)) < 0)
    {
      vmm_error ("Cannot add the PCI host bridges: %s", g_strerror (-ret));
      return ret;
    }
  return 0;
}

void
pci_host_destroy (struct pci_host *host)
{
  pthread_mutex_destroy (&host->intx_lock);
}
