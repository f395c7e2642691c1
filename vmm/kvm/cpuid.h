/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

struct kvm_cpuid2;

/* What KVM supports on this host (g_free), or NULL (logged). */
struct kvm_cpuid2 *cpuid_get_supported (int kvm_fd);

/* Makes @cpuid describe vCPU @apic_id of a one-socket, @n_vcpus-core machine. */
void cpuid_set_topology (struct kvm_cpuid2 *cpuid, unsigned apic_id, unsigned n_vcpus);
