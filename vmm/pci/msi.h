/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci/msix.h"

/*
 * Plain MSI with one vector and a 64-bit address, for devices that real
 * hardware gives MSI rather than MSI-X (the AHCI controller). Delivery is the
 * same msix_delivery the MSI-X code uses, with a single vector 0.
 */
struct msi {
  struct pci_device *dev;
  unsigned cap;        /* config space offset of the capability */
  struct msix_delivery delivery;
  pthread_mutex_t lock;
  bool enabled;
  uint64_t address;
  uint32_t data;
};

/* Adds the capability to @dev (before it is added to its bus). Takes
 * ownership of @delivery (torn down by msi_destroy, even when this fails). */
int msi_init (struct msi *msi, struct pci_device *dev, const struct msix_delivery *delivery)
  __attribute__ ((warn_unused_result));
void msi_destroy (struct msi *msi);

/* From the device's pci_device_ops.config_written. */
void msi_config_written (struct msi *msi, unsigned offset, unsigned size);

bool msi_is_enabled (struct msi *msi);

/* Sends the message; false when MSI is off (the caller uses INTx). Any thread. */
bool msi_notify (struct msi *msi);
