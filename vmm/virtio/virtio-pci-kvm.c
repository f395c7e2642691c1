/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "virtio-pci"

#include "config.h"

#include "virtio-pci.h"

#include "vm.h"

/* Length 0: any write size matches, handled inside KVM without an exit to
 * user space (drivers write 16 bits, firmware sometimes 32). */
static int
virtio_pci_kvm_add (void *opaque, int eventfd, uint64_t addr)
{
  return vm_ioeventfd_add (opaque, eventfd, addr, 0, false);
}

static void
virtio_pci_kvm_remove (void *opaque, int eventfd, uint64_t addr)
{
  vm_ioeventfd_remove (opaque, eventfd, addr, 0, false);
}

const struct virtio_pci_notifier_ops virtio_pci_kvm_notifier_ops = {
  .add = virtio_pci_kvm_add,
  .remove = virtio_pci_kvm_remove,
};
