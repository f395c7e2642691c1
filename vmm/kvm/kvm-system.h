/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdbool.h>
#include <stddef.h>

/* The host's KVM: the /dev/kvm file descriptor and what it can do. */
struct kvm_system {
  int fd;
  int api_version;
  int vcpu_mmap_size;
};

#define KVM_SYSTEM_DEFAULT_PATH "/dev/kvm"

/*
 * Opens KVM at @path (KVM_SYSTEM_DEFAULT_PATH unless a test passes another).
 * Returns 0, or -errno with *why set to a message a user can act on (free
 * with g_free) that says how to enable KVM on this machine.
 */
int kvm_system_open (struct kvm_system *kvm, const char *path, char **why)
  __attribute__ ((warn_unused_result));

void kvm_system_close (struct kvm_system *kvm);

/* KVM_CHECK_EXTENSION on the system fd: > 0 when the capability is present. */
int kvm_system_check_extension (const struct kvm_system *kvm, long capability);

/* Builds the advice for a failed open of @path with @err (positive errno). */
char *kvm_system_explain_error (const char *path, int err);
