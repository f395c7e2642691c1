/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kvm-vm"

#include "config.h"

#include "vm.h"

#include <errno.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "log.h"

/* Outside RAM, every MMIO range and the firmware flash at the top of 4 GiB,
 * as Intel's real-mode emulation wants (three pages for the TSS, one for the
 * EPT map): between the local APIC and the flash. */
#define VM_TSS_ADDR          0xfeffd000ull
#define VM_IDENTITY_MAP_ADDR 0xfeffc000ull

static const struct {
  long cap;
  const char *name;
} vm_required_caps[] = {
  { KVM_CAP_IRQCHIP, "in-kernel irqchip" },
  { KVM_CAP_PIT2, "in-kernel PIT" },
  { KVM_CAP_USER_MEMORY, "user memory" },
  { KVM_CAP_IOEVENTFD, "ioeventfd" },
  { KVM_CAP_IRQFD, "irqfd" },
  { KVM_CAP_IRQ_ROUTING, "IRQ routing" },
  { KVM_CAP_SIGNAL_MSI, "MSI injection" },
  { KVM_CAP_IMMEDIATE_EXIT, "immediate exit" },
};

static int
vm_ioctl_error (const char *what)
{
  int err = errno;

  vmm_error ("%s: %s", what, g_strerror (err));
  return -err;
}

static int
vm_commit_routing (struct vm *vm)
{
  g_autofree struct kvm_irq_routing *table = NULL;
  unsigned n = 0;
  unsigned max = 16 * 2 + (VM_IOAPIC_PINS - 16) + VM_MAX_GSI;

  table = g_malloc0 (sizeof *table + max * sizeof (struct kvm_irq_routing_entry));

  /* KVM drops its default routing once we set ours: restate the ISA IRQs on
   * the PICs and the IOAPIC, and the IOAPIC's PCI pins. The in-kernel PIT
   * fires GSI 0, which reaches IOAPIC pin 2 as the MADT's override says; pin
   * 2's own GSI is the PICs' cascade and stays unrouted. */
  for (unsigned gsi = 0; gsi < VM_IOAPIC_PINS; gsi++)
    {
      struct kvm_irq_routing_entry *e;

      if (gsi == 2)
        continue;
      if (gsi < 16)
        {
          e = &table->entries[n++];
          e->gsi = gsi;
          e->type = KVM_IRQ_ROUTING_IRQCHIP;
          e->u.irqchip.irqchip = gsi < 8 ? KVM_IRQCHIP_PIC_MASTER : KVM_IRQCHIP_PIC_SLAVE;
          e->u.irqchip.pin = gsi % 8;
        }
      e = &table->entries[n++];
      e->gsi = gsi;
      e->type = KVM_IRQ_ROUTING_IRQCHIP;
      e->u.irqchip.irqchip = KVM_IRQCHIP_IOAPIC;
      e->u.irqchip.pin = gsi == 0 ? 2 : gsi;
    }
  for (unsigned gsi = VM_IOAPIC_PINS; gsi < VM_MAX_GSI; gsi++)
    {
      struct kvm_irq_routing_entry *e;

      if (!vm->msi_routes[gsi].used)
        continue;
      e = &table->entries[n++];
      e->gsi = gsi;
      e->type = KVM_IRQ_ROUTING_MSI;
      e->u.msi.address_lo = (uint32_t) vm->msi_routes[gsi].address;
      e->u.msi.address_hi = (uint32_t) (vm->msi_routes[gsi].address >> 32);
      e->u.msi.data = vm->msi_routes[gsi].data;
    }
  table->nr = n;
  if (ioctl (vm->fd, KVM_SET_GSI_ROUTING, table) < 0)
    return vm_ioctl_error ("KVM_SET_GSI_ROUTING");
  return 0;
}

int
vm_create (struct vm *vm, const char *kvm_device, uint64_t ram_size, char **why)
{
  struct kvm_pit_config pit = { .flags = KVM_PIT_SPEAKER_DUMMY };
  int ret;

  memset (vm, 0, sizeof *vm);
  vm->fd = -1;
  vm->request_eventfd = -1;
  vm->mem.fd = -1;
  pthread_mutex_init (&vm->routing_lock, NULL);
  pthread_mutex_init (&vm->coalesced_lock, NULL);
  bus_init (&vm->pio, "port I/O");
  bus_init (&vm->mmio, "MMIO");

  ret = kvm_system_open (&vm->kvm, kvm_device, why);
  if (ret < 0)
    goto fail;

  for (unsigned i = 0; i < G_N_ELEMENTS (vm_required_caps); i++)
    if (kvm_system_check_extension (&vm->kvm, vm_required_caps[i].cap) <= 0)
      {
        *why = g_strdup_printf (_("This kernel's KVM lacks a feature Terrarium needs (%s). "
                                  "Update the host kernel."), vm_required_caps[i].name);
        ret = -ENOTSUP;
        goto fail;
      }

  vm->fd = ioctl (vm->kvm.fd, KVM_CREATE_VM, 0);
  if (vm->fd < 0)
    {
      ret = -errno;
      *why = g_strdup_printf (_("Cannot create a virtual machine: %s."), g_strerror (-ret));
      goto fail;
    }

  if (ioctl (vm->fd, KVM_SET_TSS_ADDR, (unsigned long) VM_TSS_ADDR) < 0 ||
      ioctl (vm->fd, KVM_SET_IDENTITY_MAP_ADDR, &(uint64_t) { VM_IDENTITY_MAP_ADDR }) < 0 ||
      ioctl (vm->fd, KVM_CREATE_IRQCHIP, 0) < 0 ||
      ioctl (vm->fd, KVM_CREATE_PIT2, &pit) < 0)
    {
      ret = -errno;
      *why = g_strdup_printf (_("Cannot set up the virtual machine's interrupt controllers: %s."),
                              g_strerror (-ret));
      goto fail;
    }

  ret = guest_memory_init (&vm->mem, ram_size, VM_LOW_RAM_LIMIT);
  if (ret < 0)
    {
      /* %llu, not G_GUINT64_FORMAT: xgettext cannot see past a macro. */
      *why = g_strdup_printf (_("Cannot allocate %llu MiB of guest memory: %s."),
                              (unsigned long long) (ram_size >> 20), g_strerror (-ret));
      goto fail;
    }

  for (unsigned i = 0; i < vm->mem.n_regions; i++)
    {
      const struct guest_memory_region *r = &vm->mem.regions[i];
      uint64_t gpa = r->gpa, size = r->size;

      /* Low RAM leaves out the legacy VGA window, so accesses there reach
       * the MMIO bus (a VGA adapter), as on a PC. */
      if (gpa == 0 && size > VM_VGA_HOLE_END)
        {
          ret = vm_memslot_set (vm, vm_memslot_new (vm), 0, VM_VGA_HOLE_BASE, r->host, false);
          gpa = VM_VGA_HOLE_END;
          size -= VM_VGA_HOLE_END;
        }
      else
        ret = 0;
      if (ret == 0)
        ret = vm_memslot_set (vm, vm_memslot_new (vm), gpa, size, r->host + (gpa - r->gpa),
                              false);
      if (ret < 0)
        {
          *why = g_strdup_printf (_("Cannot give %llu MiB of memory to the virtual machine: %s."),
                                  (unsigned long long) (r->size >> 20), g_strerror (-ret));
          goto fail;
        }
    }

  vm->request_eventfd = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (vm->request_eventfd < 0)
    {
      ret = -errno;
      *why = g_strdup_printf ("eventfd: %s", g_strerror (-ret));
      goto fail;
    }

  ret = vm_commit_routing (vm);
  if (ret < 0)
    {
      *why = g_strdup_printf (_("Cannot set up interrupt routing: %s."), g_strerror (-ret));
      goto fail;
    }
  return 0;

fail:
  vm_destroy (vm);
  return ret;
}

int
vm_memslot_new (struct vm *vm)
{
  return vm->n_memslots++;
}

int
vm_memslot_set (struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *host, bool readonly)
{
  struct kvm_userspace_memory_region region = {
    .slot = slot,
    .flags = readonly ? KVM_MEM_READONLY : 0,
    .guest_phys_addr = gpa,
    .memory_size = size,
    .userspace_addr = (uintptr_t) host,
  };

  if (slot < 0)
    return -EINVAL;
  if (readonly && kvm_system_check_extension (&vm->kvm, KVM_CAP_READONLY_MEM) <= 0)
    {
      vmm_error ("KVM cannot map read-only memory (KVM_CAP_READONLY_MEM)");
      return -ENOTSUP;
    }
  if (ioctl (vm->fd, KVM_SET_USER_MEMORY_REGION, &region) < 0)
    return vm_ioctl_error ("KVM_SET_USER_MEMORY_REGION");
  return 0;
}

void
vm_destroy (struct vm *vm)
{
  guest_memory_destroy (&vm->mem);
  if (vm->request_eventfd >= 0)
    close (vm->request_eventfd);
  if (vm->fd >= 0)
    close (vm->fd);
  kvm_system_close (&vm->kvm);
  bus_destroy (&vm->pio);
  bus_destroy (&vm->mmio);
  pthread_mutex_destroy (&vm->routing_lock);
  pthread_mutex_destroy (&vm->coalesced_lock);
  vm->fd = -1;
  vm->request_eventfd = -1;
}

int
vm_irq_set_level (struct vm *vm, unsigned gsi, int level)
{
  struct kvm_irq_level irq = { .irq = gsi, .level = level };

  if (ioctl (vm->fd, KVM_IRQ_LINE, &irq) < 0)
    return vm_ioctl_error ("KVM_IRQ_LINE");
  return 0;
}

void
vm_irq_line_set_level (void *opaque, unsigned gsi, int level)
{
  vm_irq_set_level (opaque, gsi, level);
}

int
vm_irqfd_add (struct vm *vm, int eventfd, unsigned gsi, int resample_fd)
{
  struct kvm_irqfd irqfd = { .fd = eventfd, .gsi = gsi };

  if (resample_fd >= 0)
    {
      irqfd.flags = KVM_IRQFD_FLAG_RESAMPLE;
      irqfd.resamplefd = resample_fd;
    }
  if (ioctl (vm->fd, KVM_IRQFD, &irqfd) < 0)
    return vm_ioctl_error ("KVM_IRQFD");
  return 0;
}

int
vm_irqfd_remove (struct vm *vm, int eventfd, unsigned gsi)
{
  struct kvm_irqfd irqfd = { .fd = eventfd, .gsi = gsi, .flags = KVM_IRQFD_FLAG_DEASSIGN };

  if (ioctl (vm->fd, KVM_IRQFD, &irqfd) < 0)
    return vm_ioctl_error ("KVM_IRQFD (remove)");
  return 0;
}

int
vm_msi_route_alloc (struct vm *vm)
{
  int gsi = -ENOSPC;

  pthread_mutex_lock (&vm->routing_lock);
  for (unsigned i = VM_IOAPIC_PINS; i < VM_MAX_GSI; i++)
    if (!vm->msi_routes[i].used)
      {
        vm->msi_routes[i] = (struct vm_msi_route) { .used = true };
        gsi = i;
        break;
      }
  pthread_mutex_unlock (&vm->routing_lock);
  if (gsi < 0)
    vmm_error ("no free MSI routes");
  return gsi;
}

void
vm_msi_route_free (struct vm *vm, unsigned gsi)
{
  if (gsi < VM_IOAPIC_PINS || gsi >= VM_MAX_GSI)
    return;
  pthread_mutex_lock (&vm->routing_lock);
  vm->msi_routes[gsi].used = false;
  vm_commit_routing (vm);
  pthread_mutex_unlock (&vm->routing_lock);
}

int
vm_msi_route_set (struct vm *vm, unsigned gsi, uint64_t address, uint32_t data)
{
  int ret;

  if (gsi < VM_IOAPIC_PINS || gsi >= VM_MAX_GSI)
    return -EINVAL;
  pthread_mutex_lock (&vm->routing_lock);
  if (vm->msi_routes[gsi].address == address && vm->msi_routes[gsi].data == data)
    ret = 0;
  else
    {
      vm->msi_routes[gsi].address = address;
      vm->msi_routes[gsi].data = data;
      ret = vm_commit_routing (vm);
    }
  pthread_mutex_unlock (&vm->routing_lock);
  return ret;
}

int
vm_signal_msi (struct vm *vm, uint64_t address, uint32_t data)
{
  struct kvm_msi msi = {
    .address_lo = (uint32_t) address,
    .address_hi = (uint32_t) (address >> 32),
    .data = data,
  };

  if (ioctl (vm->fd, KVM_SIGNAL_MSI, &msi) < 0)
    return vm_ioctl_error ("KVM_SIGNAL_MSI");
  return 0;
}

static int
vm_ioeventfd (struct vm *vm, int eventfd, uint64_t addr, unsigned len, bool pio, bool remove)
{
  struct kvm_ioeventfd io = { .addr = addr, .len = len, .fd = eventfd };

  if (pio)
    io.flags |= KVM_IOEVENTFD_FLAG_PIO;
  if (remove)
    io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
  if (ioctl (vm->fd, KVM_IOEVENTFD, &io) < 0)
    return vm_ioctl_error (remove ? "KVM_IOEVENTFD (remove)" : "KVM_IOEVENTFD");
  return 0;
}

int
vm_ioeventfd_add (struct vm *vm, int eventfd, uint64_t addr, unsigned len, bool pio)
{
  return vm_ioeventfd (vm, eventfd, addr, len, pio, false);
}

int
vm_ioeventfd_remove (struct vm *vm, int eventfd, uint64_t addr, unsigned len, bool pio)
{
  return vm_ioeventfd (vm, eventfd, addr, len, pio, true);
}

void
vm_request (struct vm *vm, enum vm_request request)
{
  int expected = VM_REQUEST_NONE;
  uint64_t one = 1;

  /* The first request wins: a reset racing a poweroff must not undo it. */
  if (!atomic_compare_exchange_strong (&vm->request, &expected, (int) request))
    return;
  if (vm->request_eventfd >= 0 && write (vm->request_eventfd, &one, sizeof one) < 0)
    vmm_error ("cannot wake the main loop: %s", g_strerror (errno));
}
