/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kvm-vcpu"

#include "config.h"

#include "vcpu-boot.h"

#include <errno.h>
#include <glib.h>
#include <linux/kvm.h>
#include <sys/ioctl.h>

#include "log.h"

static void
vcpu_boot_segment (struct kvm_segment *out, const struct linux_boot_segment *in)
{
  out->base = in->base;
  out->limit = in->limit;
  out->selector = in->selector;
  out->type = in->type;
  out->present = in->present;
  out->dpl = in->dpl;
  out->db = in->db;
  out->s = in->s;
  out->l = in->l;
  out->g = in->g;
  out->avl = 0;
  out->unusable = !in->present;
}

int
vcpu_set_linux_boot_state (struct vcpu *vcpu, const struct linux_boot_state *st)
{
  struct kvm_sregs sregs;
  struct kvm_regs regs = { 0 };

  if (ioctl (vcpu->fd, KVM_GET_SREGS, &sregs) < 0)
    goto fail;
  vcpu_boot_segment (&sregs.cs, &st->cs);
  vcpu_boot_segment (&sregs.ds, &st->ds);
  vcpu_boot_segment (&sregs.es, &st->es);
  vcpu_boot_segment (&sregs.fs, &st->fs);
  vcpu_boot_segment (&sregs.gs, &st->gs);
  vcpu_boot_segment (&sregs.ss, &st->ss);
  vcpu_boot_segment (&sregs.tr, &st->tr);
  sregs.gdt.base = st->gdt_base;
  sregs.gdt.limit = st->gdt_limit;
  sregs.cr0 = st->cr0;
  sregs.cr3 = st->cr3;
  sregs.cr4 = st->cr4;
  sregs.efer = st->efer;
  if (ioctl (vcpu->fd, KVM_SET_SREGS, &sregs) < 0)
    goto fail;

  regs.rip = st->rip;
  regs.rsi = st->rsi;
  regs.rsp = st->rsp;
  regs.rbp = st->rsp;
  regs.rflags = st->rflags;
  if (ioctl (vcpu->fd, KVM_SET_REGS, &regs) < 0)
    goto fail;
  return 0;

fail:
  vmm_error ("vCPU %u: cannot load the boot state: %s", vcpu->index, g_strerror (errno));
  return -errno;
}
