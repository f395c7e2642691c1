/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Memory slots whose writes KVM tracks, for framebuffers the guest writes at
 * memory speed while a display thread copies only what changed. */
#define G_LOG_DOMAIN "vm"

#include "config.h"

#include <errno.h>
#include <glib.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "log.h"
#include "vm.h"

int
vm_memslot_set_logged (struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *host)
{
  struct kvm_userspace_memory_region region = {
    .slot = slot,
    .flags = size ? KVM_MEM_LOG_DIRTY_PAGES : 0,
    .guest_phys_addr = gpa,
    .memory_size = size,
    .userspace_addr = (uintptr_t) host,
  };
  int err;

  if (slot < 0)
    return -EINVAL;
  if (ioctl (vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
    {
      err = errno;
      vmm_error ("KVM_SET_USER_MEMORY_REGION (dirty-logged slot %d): %s", slot, g_strerror (err));
      return -err;
    }
  return 0;
}

int
vm_memslot_get_dirty (struct vm *vm, int slot, uint64_t *bitmap)
{
  struct kvm_dirty_log log = { .slot = slot, .dirty_bitmap = bitmap };
  int err;

  if (ioctl (vm->fd, KVM_GET_DIRTY_LOG, &log) < 0)
    {
      err = errno;
      vmm_guest_error ("KVM_GET_DIRTY_LOG (slot %d): %s", slot, g_strerror (err));
      return -err;
    }
  return 0;
}
