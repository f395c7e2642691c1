/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>

#include "irq.h"
#include "pci/pci.h"

struct pm;

/*
 * The q35-like chipset devices firmware looks for: the MCH host bridge at
 * 00:00.0 (8086:29c0) and the ICH9 LPC bridge at 00:1f.0 (8086:2918), plus
 * the machine's PCI INTx routing.
 *
 * Routing: slot S, pin P (1 = INTA#) goes to IOAPIC pin 16 + (S + P - 1) % 4,
 * level-triggered, active low, as ACPI's _PRT (built from the same function)
 * says. Devices sharing a pin are ORed here, since KVM has one level per GSI.
 */

#define PCI_HOST_INTX_GSI_BASE 16
#define PCI_HOST_INTX_GSIS     4

#define PCI_HOST_PMBASE_DEFAULT 0x600

struct pci_host {
  struct pci_device mch;
  struct pci_device lpc;
  struct pm *pm;               /* moved when the guest reprograms PMBASE */
  struct irq_line gsi_out;     /* set_level/opaque to the interrupt controller */
  pthread_mutex_t intx_lock;
  unsigned intx_count[PCI_HOST_INTX_GSIS];
};

/* The GSI of @slot's interrupt pin @pin (1..4); the one routing table. */
unsigned pci_host_intx_gsi (unsigned slot, unsigned pin);

/* For struct pci_bus.route_intx (opaque = the pci_host). */
struct irq_line pci_host_route_intx (void *opaque, unsigned slot, unsigned pin);

/* Installs the routing on @pci and adds the MCH and LPC bridge. @gsi_out's
 * set_level and opaque drive the GSIs (its gsi is ignored). @pm may be NULL. */
int pci_host_init (struct pci_host *host, struct pci_bus *pci, const struct irq_line *gsi_out,
                   struct pm *pm) __attribute__ ((warn_unused_result));
void pci_host_destroy (struct pci_host *host);
