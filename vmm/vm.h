/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "kvm/kvm-system.h"
#include "memory/guest-memory.h"

struct kvm_coalesced_mmio_ring;

/*
 * The VM object: everything one running VM owns hangs off it, so two can
 * exist in one process (tests do). This part is the KVM-facing core; the
 * machine (vmm/machine.h) adds the platform and devices.
 *
 * Guest-physical layout (q35-like, fixed so firmware and ACPI agree):
 *   0 .. low RAM end          RAM (at most VM_LOW_RAM_LIMIT), except:
 *   0xA0000 .. 0xBFFFF        no RAM in KVM: MMIO (legacy VGA window)
 *   0xB0000000 .. 0xBFFFFFFF  PCI Express ECAM (buses 0..255)
 *   0xC0000000 .. 0xFEBFFFFF  32-bit PCI MMIO window
 *   0xFEC00000                IOAPIC
 *   0xFEE00000                local APIC
 *   0xFEFFC000 .. 0xFF000000  KVM's identity map and real-mode TSS (Intel)
 *   VM_FLASH_BASE .. 4 GiB    firmware: SeaBIOS ROM or OVMF flash (4 MiB)
 *   4 GiB ..                  RAM above the hole
 *   VM_MMIO64_BASE ..         64-bit PCI MMIO window
 */
#define VM_LOW_RAM_LIMIT   0x80000000ull
#define VM_VGA_HOLE_BASE   0xA0000ull
#define VM_VGA_HOLE_END    0xC0000ull     /* exclusive */
#define VM_FLASH_BASE      0xFFC00000ull
#define VM_FLASH_END       0x100000000ull /* exclusive */
#define VM_ECAM_BASE       0xB0000000ull
#define VM_ECAM_SIZE       0x10000000ull
#define VM_MMIO32_BASE     0xC0000000ull
#define VM_MMIO32_END      0xFEC00000ull  /* exclusive */
#define VM_IOAPIC_BASE     0xFEC00000ull
#define VM_LAPIC_BASE      0xFEE00000ull
#define VM_MMIO64_BASE     0x8000000000ull /* 512 GiB */
#define VM_MMIO64_SIZE     0x8000000000ull
#define VM_PCI_IO_BASE     0xC000u
#define VM_PCI_IO_END      0x10000u       /* exclusive */

#define VM_MAX_VCPUS       64
/* GSIs 0..23 are the IOAPIC pins; MSI routes are allocated above them. */
#define VM_IOAPIC_PINS     24
#define VM_MAX_GSI         1024

enum vm_request {
  VM_REQUEST_NONE = 0,
  VM_REQUEST_POWEROFF,  /* ACPI S5: clean guest shutdown */
  VM_REQUEST_RESET,     /* guest reboot */
  VM_REQUEST_CRASH,     /* triple fault, internal error: already logged */
};

struct vm_msi_route {
  bool used;
  uint64_t address;
  uint32_t data;
};

struct vm {
  struct kvm_system kvm;
  int fd;
  struct guest_memory mem;
  int n_memslots;           /* KVM memory slots used: RAM first, then ROM/flash */
  struct bus pio;
  struct bus mmio;

  /* GSI routing: the IOAPIC/PIC pins plus MSI routes, committed as a whole. */
  pthread_mutex_t routing_lock;
  struct vm_msi_route msi_routes[VM_MAX_GSI];

  /* Writes KVM queued for coalesced zones (kvm/vm-coalesced.c); the ring is
   * a page of the vCPUs' mappings, NULL until the first vCPU maps it. */
  pthread_mutex_t coalesced_lock;
  struct kvm_coalesced_mmio_ring *coalesced_ring;

  /* Set by devices from any thread; the main loop acts on it. */
  atomic_int request;
  int request_eventfd;
};

/* Opens KVM and creates the VM with its in-kernel irqchip and PIT, and RAM.
 * On failure returns -errno with *why set (g_free) to what the user can do. */
/* @kvm_device: NULL for /dev/kvm. */
int vm_create (struct vm *vm, const char *kvm_device, uint64_t ram_size, char **why)
  __attribute__ ((warn_unused_result));
void vm_destroy (struct vm *vm);

/* Coalesced MMIO (kvm/vm-coalesced.c). vm_coalesced_mmio_add() makes KVM
 * queue the guest's writes to [@addr, @addr + @size) instead of exiting:
 * only for zones whose writes have no side effect the guest waits for.
 * Returns 0, or -errno and the zone keeps exiting per write. Each vCPU
 * calls vm_coalesced_attach() with its mapping, which returns the ring in
 * that mapping (NULL: no coalescing), and after each exit checks it with
 * vm_coalesced_pending(), lock-free, before vm_coalesced_flush(); a device
 * calls vm_coalesced_flush() before reading what those writes change. Any
 * thread. */
int vm_coalesced_mmio_add (struct vm *vm, uint64_t addr, uint32_t size);
struct kvm_coalesced_mmio_ring *vm_coalesced_attach (struct vm *vm, void *run, size_t run_size);
bool vm_coalesced_pending (const struct kvm_coalesced_mmio_ring *ring);
void vm_coalesced_detach (struct vm *vm);
void vm_coalesced_flush (struct vm *vm);

/* KVM memory slots beyond RAM (firmware ROM, flash). vm_memslot_new() hands
 * out a slot number; vm_memslot_set() maps @size bytes of @host at @gpa in
 * it (size 0 removes the mapping). Guest writes to a @readonly slot exit as
 * MMIO. Returns 0 or -errno (logged). */
int vm_memslot_new (struct vm *vm);
int vm_memslot_set (struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *host, bool readonly)
  __attribute__ ((warn_unused_result));

/* vm-dirty.c: a writable slot whose guest writes KVM logs (size 0 removes
 * it), and that log: one bit per 4 KiB page, cleared as it is read; @bitmap
 * holds size / 4 KiB bits rounded up to 64. Both 0 or -errno (logged). */
int vm_memslot_set_logged (struct vm *vm, int slot, uint64_t gpa, uint64_t size, void *host)
  __attribute__ ((warn_unused_result));
int vm_memslot_get_dirty (struct vm *vm, int slot, uint64_t *bitmap);

/* Wired interrupts (IOAPIC pins, ISA IRQs). */
int vm_irq_set_level (struct vm *vm, unsigned gsi, int level);
/* A ready-made struct irq_line callback for vm_irq_set_level (opaque = vm). */
void vm_irq_line_set_level (void *vm, unsigned gsi, int level);

/* irqfd: writing @eventfd raises @gsi. With @resample_fd >= 0 the line is
 * level-triggered and @resample_fd fires when the guest acknowledges it. */
int vm_irqfd_add (struct vm *vm, int eventfd, unsigned gsi, int resample_fd);
int vm_irqfd_remove (struct vm *vm, int eventfd, unsigned gsi);

/* MSI routes for irqfds (MSI-X vectors). */
int vm_msi_route_alloc (struct vm *vm);  /* a free GSI >= VM_IOAPIC_PINS, or -ENOSPC */
void vm_msi_route_free (struct vm *vm, unsigned gsi);
int vm_msi_route_set (struct vm *vm, unsigned gsi, uint64_t address, uint32_t data);
int vm_signal_msi (struct vm *vm, uint64_t address, uint32_t data);

/* ioeventfd: a guest write to @addr (@len bytes; port I/O when @pio) signals
 * @eventfd inside KVM, without a vCPU exit to user space. */
int vm_ioeventfd_add (struct vm *vm, int eventfd, uint64_t addr, unsigned len, bool pio);
int vm_ioeventfd_remove (struct vm *vm, int eventfd, uint64_t addr, unsigned len, bool pio);

/* From any thread: ask the main loop to power off, reset, or stop on a crash. */
void vm_request (struct vm *vm, enum vm_request request);
