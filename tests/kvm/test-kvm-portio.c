/* SPDX-License-Identifier: GPL-3.0-or-later */
/*
 * The first proof that KVM works where the kvm suite runs: a VM with one vCPU
 * runs real-mode code that computes a value and writes it to an I/O port; the
 * host sees the port exit with that value. Runs on a real /dev/kvm (directly,
 * or inside tools/kvm-sandbox).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <linux/kvm.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kvm/kvm-system.h"

#define GUEST_RAM_SIZE  0x10000
#define GUEST_CODE_ADDR 0x1000
#define GUEST_DATA_ADDR 0x2000
#define RESULT_PORT     0x3000

struct test_vm {
  struct kvm_system kvm;
  int vm_fd;
  int vcpu_fd;
  int mem_fd;
  uint8_t *ram;
  struct kvm_run *run;
};

static void
test_vm_setup (struct test_vm *t, const uint8_t *code, size_t code_len)
{
  g_autofree char *why = NULL;
  struct kvm_userspace_memory_region region = { 0 };
  struct kvm_sregs sregs;
  struct kvm_regs regs = { 0 };

  g_assert_cmpint (kvm_system_open (&t->kvm, NULL, &why), ==, 0);

  t->vm_fd = ioctl (t->kvm.fd, KVM_CREATE_VM, 0);
  g_assert_cmpint (t->vm_fd, >=, 0);

  /* Guest RAM is a memfd, as the VMM's will be. */
  t->mem_fd = memfd_create ("test-guest-ram", MFD_CLOEXEC);
  g_assert_cmpint (t->mem_fd, >=, 0);
  g_assert_cmpint (ftruncate (t->mem_fd, GUEST_RAM_SIZE), ==, 0);
  t->ram = mmap (NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, t->mem_fd, 0);
  g_assert_true (t->ram != MAP_FAILED);
  memcpy (t->ram + GUEST_CODE_ADDR, code, code_len);

  region.slot = 0;
  region.guest_phys_addr = 0;
  region.memory_size = GUEST_RAM_SIZE;
  region.userspace_addr = (uintptr_t) t->ram;
  g_assert_cmpint (ioctl (t->vm_fd, KVM_SET_USER_MEMORY_REGION, &region), ==, 0);

  t->vcpu_fd = ioctl (t->vm_fd, KVM_CREATE_VCPU, 0);
  g_assert_cmpint (t->vcpu_fd, >=, 0);
  t->run = mmap (NULL, t->kvm.vcpu_mmap_size, PROT_READ | PROT_WRITE, MAP_SHARED, t->vcpu_fd, 0);
  g_assert_true (t->run != MAP_FAILED);

  /* Real mode with a flat code segment at 0, starting at the code. */
  g_assert_cmpint (ioctl (t->vcpu_fd, KVM_GET_SREGS, &sregs), ==, 0);
  sregs.cs.base = 0;
  sregs.cs.selector = 0;
  g_assert_cmpint (ioctl (t->vcpu_fd, KVM_SET_SREGS, &sregs), ==, 0);
  regs.rip = GUEST_CODE_ADDR;
  regs.rflags = 0x2;
  g_assert_cmpint (ioctl (t->vcpu_fd, KVM_SET_REGS, &regs), ==, 0);
}

static void
test_vm_teardown (struct test_vm *t)
{
  munmap (t->run, t->kvm.vcpu_mmap_size);
  munmap (t->ram, GUEST_RAM_SIZE);
  close (t->mem_fd);
  close (t->vcpu_fd);
  close (t->vm_fd);
  kvm_system_close (&t->kvm);
}

/* Runs until the next exit that is not an interruption, and returns its reason. */
static int
test_vm_run (struct test_vm *t)
{
  for (;;)
    {
      if (ioctl (t->vcpu_fd, KVM_RUN, 0) == 0)
        return t->run->exit_reason;
      g_assert_cmpint (errno, ==, EINTR);
    }
}

static uint16_t
expect_port_write16 (struct test_vm *t)
{
  uint16_t value;

  g_assert_cmpint (test_vm_run (t), ==, KVM_EXIT_IO);
  g_assert_cmpint (t->run->io.direction, ==, KVM_EXIT_IO_OUT);
  g_assert_cmpint (t->run->io.port, ==, RESULT_PORT);
  g_assert_cmpint (t->run->io.size, ==, 2);
  g_assert_cmpint (t->run->io.count, ==, 1);
  memcpy (&value, (uint8_t *) t->run + t->run->io.data_offset, sizeof value);
  return value;
}

static void
test_sum_loop (void)
{
  /* ax = 1 + 2 + ... + 100, computed by the guest CPU in a loop. */
  static const uint8_t code[] = {
    0xb9, 0x64, 0x00, /* mov cx, 100 */
    0x31, 0xc0,       /* xor ax, ax */
    0x01, 0xc8,       /* 1: add ax, cx */
    0xe2, 0xfc,       /* loop 1b */
    0xba, 0x00, 0x30, /* mov dx, RESULT_PORT */
    0xef,             /* out dx, ax */
    0xf4,             /* hlt */
  };
  struct test_vm t;

  test_vm_setup (&t, code, sizeof code);
  g_assert_cmpuint (expect_port_write16 (&t), ==, 5050);
  g_assert_cmpint (test_vm_run (&t), ==, KVM_EXIT_HLT);
  test_vm_teardown (&t);
}

static void
test_shared_memory (void)
{
  /* The guest squares a number the host left in RAM and stores the product
   * back, so both directions through the memfd are exercised. */
  static const uint8_t code[] = {
    0xa1, 0x00, 0x20,       /* mov ax, [GUEST_DATA_ADDR] */
    0xf7, 0xe0,             /* mul ax  (dx:ax = ax * ax) */
    0xa3, 0x02, 0x20,       /* mov [GUEST_DATA_ADDR + 2], ax */
    0x89, 0x16, 0x04, 0x20, /* mov [GUEST_DATA_ADDR + 4], dx */
    0xba, 0x00, 0x30,       /* mov dx, RESULT_PORT */
    0xef,                   /* out dx, ax */
    0xf4,                   /* hlt */
  };
  const uint16_t input = 1234;
  uint16_t low, high;
  struct test_vm t;

  test_vm_setup (&t, code, sizeof code);
  memcpy (t.ram + GUEST_DATA_ADDR, &input, sizeof input);
  g_assert_cmpuint (expect_port_write16 (&t), ==, (1234u * 1234u) & 0xffff);
  memcpy (&low, t.ram + GUEST_DATA_ADDR + 2, sizeof low);
  memcpy (&high, t.ram + GUEST_DATA_ADDR + 4, sizeof high);
  g_assert_cmpuint (((uint32_t) high << 16) | low, ==, 1234u * 1234u);
  g_assert_cmpint (test_vm_run (&t), ==, KVM_EXIT_HLT);
  test_vm_teardown (&t);
}

int
main (int argc, char **argv)
{
  struct kvm_system kvm;
  g_autofree char *why = NULL;

  g_test_init (&argc, &argv, NULL);

  if (kvm_system_open (&kvm, NULL, &why) < 0)
    {
      /* Through tools/kvm-sandbox KVM must work; run by hand without it, skip. */
      if (g_getenv ("TERRARIUM_REQUIRE_KVM"))
        g_error ("%s", why);
      g_printerr ("skipped: %s\n", why);
      return 77;
    }
  kvm_system_close (&kvm);

  g_test_add_func ("/Kvm/portio/sum-loop", test_sum_loop);
  g_test_add_func ("/Kvm/portio/shared-memory", test_shared_memory);
  return g_test_run ();
}
