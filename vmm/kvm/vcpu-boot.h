/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "boot/linux.h"
#include "kvm/vcpu.h"

/* Puts the boot vCPU at the kernel's 64-bit entry as linux_boot_load() left it. */
int vcpu_set_linux_boot_state (struct vcpu *vcpu, const struct linux_boot_state *state)
  __attribute__ ((warn_unused_result));
