/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "pci/msix.h"
#include "pci/pci.h"
#include "virtio/virtio.h"

/*
 * The virtio 1.x PCI transport (modern only): vendor 0x1af4, device
 * 0x1040 + device id. BAR 4 (64-bit memory, 16 KiB) holds the common,
 * ISR, device and notify regions; BAR 1 the MSI-X table and PBA.
 *
 * Kicks arrive on one eventfd per queue: KVM signals it directly (an
 * ioeventfd on the notify address, placed through @notifier whenever the
 * BAR moves), and a plain MMIO write to the notify area signals it too.
 * A worker thread per device waits on them and runs the device.
 */

#define VIRTIO_PCI_BAR          4
#define VIRTIO_PCI_MSIX_BAR     1
#define VIRTIO_PCI_BAR_SIZE     0x4000
#define VIRTIO_PCI_COMMON_OFF   0x0000
#define VIRTIO_PCI_ISR_OFF      0x1000
#define VIRTIO_PCI_DEVICE_OFF   0x2000
#define VIRTIO_PCI_NOTIFY_OFF   0x3000
#define VIRTIO_PCI_NOTIFY_MULT  4

/* Where kicks come from; NULL ops: MMIO writes only (tests). */
struct virtio_pci_notifier_ops {
  int (*add) (void *opaque, int eventfd, uint64_t addr);
  void (*remove) (void *opaque, int eventfd, uint64_t addr);
};

/* KVM ioeventfds; opaque is the struct vm. In virtio-pci-kvm.c. */
extern const struct virtio_pci_notifier_ops virtio_pci_kvm_notifier_ops;

struct virtio_pci_queue {
  int kick_fd;
  atomic_uint msix_vector;
  bool notifier_added;
  uint64_t notify_addr;
};

struct virtio_pci {
  struct pci_device pci;
  struct virtio_device *vdev;
  struct msix msix;
  unsigned num_queues;
  struct virtio_pci_queue *queues;

  const struct virtio_pci_notifier_ops *notifier;
  void *notifier_opaque;
  pthread_mutex_t notifier_lock;     /* never nested with other locks */

  /* Common config registers; under vdev->lock. */
  uint32_t device_feature_select;
  uint32_t driver_feature_select;
  uint16_t queue_select;
  atomic_uint config_vector;
  bool busy;                         /* the device is processing a queue */
  bool reset_pending;                /* the worker finishes a status 0 write */
  bool kick_all;                     /* DRIVER_OK: look at every queue */

  pthread_mutex_t isr_lock;          /* ISR and the INTx level together */
  uint8_t isr;

  bool threaded;
  pthread_t worker;
  int ctl_fd;
  atomic_bool stop;
};

/*
 * Sets up @vp as the transport of @vdev. @delivery is how MSI-X messages are
 * sent (ownership passes to @vp, even on failure). With @threaded, a worker
 * thread runs the device; without, kicks are handled on the writer's thread
 * (unit tests). Then add &vp->pci to the PCI bus.
 */
int virtio_pci_init (struct virtio_pci *vp, struct virtio_device *vdev,
                     const struct msix_delivery *delivery,
                     const struct virtio_pci_notifier_ops *notifier, void *notifier_opaque,
                     bool threaded) __attribute__ ((warn_unused_result));

/* Stops the worker and frees what init took; the device is left alone. */
void virtio_pci_destroy (struct virtio_pci *vp);

/* Machine reset: the device and MSI-X back to power-on state. Call with
 * the vCPUs stopped. */
void virtio_pci_reset (struct virtio_pci *vp);
