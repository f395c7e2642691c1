/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>

#include "memory/guest-memory.h"
#include "pci/msix.h"
#include "pci/pci.h"

/*
 * An Intel ICH9 AHCI SATA controller (8086:2922, class 01.06.01): the HBA
 * registers in BAR5, MSI and INTx, and up to AHCI_MAX_PORTS ports, each with
 * an ATAPI drive or nothing. The guest's command lists, received-FIS areas,
 * command tables and PRD tables are read through guest_memory, every address
 * and length checked.
 *
 * Commands run on a worker thread (@threaded), so a vCPU that issues one never
 * waits for the image; without it they run on the thread that writes PxCI
 * (unit tests). Drives are borrowed: they outlive the controller.
 */

#define AHCI_MAX_PORTS 6
#define AHCI_BAR       5
#define AHCI_BAR_SIZE  4096

struct ahci;
struct atapi;

/*
 * @delivery: how MSI reaches the CPUs (ownership passes, even on failure), or
 * NULL for INTx only. Returns NULL after logging why.
 */
struct ahci *ahci_new (const struct guest_memory *mem, unsigned n_ports,
                       const struct msix_delivery *delivery, bool threaded);
/* Stops the worker (a command in progress finishes first); before the PCI
 * bus goes, since the worker raises interrupts through it. Idempotent. */
void ahci_stop (struct ahci *ahci);
/* Stops it if needed and frees it; NULL is fine. */
void ahci_destroy (struct ahci *ahci);

/* Puts @drive (borrowed; NULL: nothing) on @port, before the guest runs. */
void ahci_attach (struct ahci *ahci, unsigned port, struct atapi *drive);

/* What goes on the PCI bus. */
struct pci_device *ahci_get_pci (struct ahci *ahci);
