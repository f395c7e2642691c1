/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "pci/pci.h"

/*
 * MSI-X for a PCI device: the capability in config space and the vector
 * table plus pending-bit array in a BAR of their own. How a message reaches
 * the CPUs is behind msix_delivery, so tests record deliveries and the
 * machine uses KVM irqfds (msix-kvm.c).
 */

#define MSIX_MAX_VECTORS 2048

struct msix_delivery_ops {
  /* Prepares @n vectors (e.g. a GSI and an irqfd each). */
  int (*setup) (void *opaque, unsigned n);
  /* The guest programmed a vector (it may still be masked). */
  void (*update) (void *opaque, unsigned vector, uint64_t address, uint32_t data);
  /* Sends the message; any thread, must not block. */
  void (*fire) (void *opaque, unsigned vector, uint64_t address, uint32_t data);
  /* Frees what setup took, and the delivery itself. */
  void (*teardown) (void *opaque);
};

struct msix_delivery {
  const struct msix_delivery_ops *ops;
  void *opaque;
};

struct msix_vector {
  uint64_t address;
  uint32_t data;
  uint32_t control;    /* bit 0: masked */
  bool pending;
};

struct msix {
  struct pci_device *dev;
  unsigned cap;        /* config space offset of the capability */
  unsigned bar;
  unsigned n;
  uint32_t pba_offset; /* in the BAR; the table is at 0 */
  uint64_t bar_size;
  struct msix_delivery delivery;

  pthread_mutex_t lock;
  bool enabled;
  bool function_masked;
  struct msix_vector *vectors;
};

/*
 * Adds the capability to @dev and declares @bar (32-bit memory) holding the
 * table and PBA. Call before the device is added to its bus. Takes ownership
 * of @delivery (torn down by msix_destroy, even when this fails).
 */
int msix_init (struct msix *msix, struct pci_device *dev, unsigned bar, unsigned n,
               const struct msix_delivery *delivery) __attribute__ ((warn_unused_result));
void msix_destroy (struct msix *msix);

/* From the device's pci_device_ops.config_written: picks up enable/mask. */
void msix_config_written (struct msix *msix, unsigned offset, unsigned size);

/* Machine reset: vectors masked, nothing pending, MSI-X off. */
void msix_reset (struct msix *msix);

bool msix_is_enabled (struct msix *msix);

/* Signals @vector now, or marks it pending while masked. Any thread. Returns
 * false when MSI-X is disabled (the caller falls back to INTx). */
bool msix_notify (struct msix *msix, unsigned vector);

/* A delivery that KVM carries out: an irqfd per vector on an MSI route.
 * @vm is a struct vm; defined in msix-kvm.c. */
struct vm;
int msix_kvm_delivery_new (struct vm *vm, struct msix_delivery *out);
