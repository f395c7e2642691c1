/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Coalesced MMIO: for zones whose writes need no answer (the VGA window),
 * KVM queues the guest's writes in a ring shared with us instead of exiting
 * once per write. A firmware clearing the text screen and loading a font
 * makes some 25 000 such writes; each exit costs microseconds on hardware
 * and far more nested. We apply the queued writes, in order, before any
 * exit is handled (so a port write or a read never overtakes them) and
 * before a device looks at its memory (the VGA's scan-out). */
#define G_LOG_DOMAIN "kvm"

#include "config.h"

#include <errno.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"

#define VM_COALESCED_MAX \
  ((unsigned) ((4096 - sizeof (struct kvm_coalesced_mmio_ring)) / sizeof (struct kvm_coalesced_mmio)))

int
vm_coalesced_mmio_add (struct vm *vm, uint64_t addr, uint32_t size)
{
  struct kvm_coalesced_mmio_zone zone = { .addr = addr, .size = size };

  if (kvm_system_check_extension (&vm->kvm, KVM_CAP_COALESCED_MMIO) <= 0)
    return -ENOTSUP;
  if (ioctl (vm->fd, KVM_REGISTER_COALESCED_MMIO, &zone) < 0)
    {
      int err = errno;

      vmm_error ("KVM_REGISTER_COALESCED_MMIO %#llx+%#x: %s (writes there exit one by one)",
                 (unsigned long long) addr, size, g_strerror (err));
      return -err;
    }
  return 0;
}

struct kvm_coalesced_mmio_ring *
vm_coalesced_attach (struct vm *vm, void *run, size_t run_size)
{
  int page = kvm_system_check_extension (&vm->kvm, KVM_CAP_COALESCED_MMIO);
  long page_size = sysconf (_SC_PAGESIZE);
  struct kvm_coalesced_mmio_ring *ring;

  /* The ring is one page of every vCPU's mapping, the same page for all. */
  if (page <= 0 || page_size != 4096 || (size_t) (page + 1) * 4096 > run_size)
    return NULL;
  ring = (struct kvm_coalesced_mmio_ring *) ((char *) run + (size_t) page * 4096);
  pthread_mutex_lock (&vm->coalesced_lock);
  if (!vm->coalesced_ring)
    __atomic_store_n (&vm->coalesced_ring, ring, __ATOMIC_RELEASE);
  pthread_mutex_unlock (&vm->coalesced_lock);
  return ring;
}

bool
vm_coalesced_pending (const struct kvm_coalesced_mmio_ring *ring)
{
  return ring && __atomic_load_n (&ring->first, __ATOMIC_ACQUIRE) !=
                 __atomic_load_n (&ring->last, __ATOMIC_ACQUIRE);
}

void
vm_coalesced_detach (struct vm *vm)
{
  pthread_mutex_lock (&vm->coalesced_lock);
  __atomic_store_n (&vm->coalesced_ring, NULL, __ATOMIC_RELEASE);
  pthread_mutex_unlock (&vm->coalesced_lock);
}

void
vm_coalesced_flush (struct vm *vm)
{
  struct kvm_coalesced_mmio_ring *ring;

  /* The ring is read under the lock only: vm_coalesced_detach() clears it
   * before the vCPUs' mappings go away. */
  if (!__atomic_load_n (&vm->coalesced_ring, __ATOMIC_ACQUIRE))
    return;
  pthread_mutex_lock (&vm->coalesced_lock);
  ring = vm->coalesced_ring;
  while (ring)
    {
      uint32_t first = __atomic_load_n (&ring->first, __ATOMIC_RELAXED);
      struct kvm_coalesced_mmio entry;

      /* last is KVM's; the entry is complete once it moved past it. */
      if (first == __atomic_load_n (&ring->last, __ATOMIC_ACQUIRE))
        break;
      if (first >= VM_COALESCED_MAX)
        {
          vmm_error ("coalesced MMIO ring index %u out of range; writes there are lost", first);
          __atomic_store_n (&ring->first, __atomic_load_n (&ring->last, __ATOMIC_ACQUIRE),
                            __ATOMIC_RELEASE);
          break;
        }
      entry = ring->coalesced_mmio[first];
      if (entry.len > sizeof entry.data)
        entry.len = sizeof entry.data;
      if (entry.pio)
        bus_write (&vm->pio, entry.phys_addr, entry.data, entry.len);
      else
        bus_write (&vm->mmio, entry.phys_addr, entry.data, entry.len);
      /* Only after the write: a vCPU that sees the ring empty without the
       * lock (vm_coalesced_pending) must find every write applied. */
      __atomic_store_n (&ring->first, (first + 1) % VM_COALESCED_MAX, __ATOMIC_RELEASE);
    }
  pthread_mutex_unlock (&vm->coalesced_lock);
}
