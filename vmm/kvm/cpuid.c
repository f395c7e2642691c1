/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kvm-cpuid"

#include "config.h"

#include "cpuid.h"

#include <errno.h>
#include <glib.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "log.h"

#define CPUID_MAX_ENTRIES 256

struct kvm_cpuid2 *
cpuid_get_supported (int kvm_fd)
{
  unsigned nent = CPUID_MAX_ENTRIES;

  for (;;)
    {
      struct kvm_cpuid2 *cpuid = g_malloc0 (sizeof *cpuid + nent * sizeof (struct kvm_cpuid_entry2));

      cpuid->nent = nent;
      if (ioctl (kvm_fd, KVM_GET_SUPPORTED_CPUID, cpuid) == 0)
        return cpuid;
      g_free (cpuid);
      if (errno != E2BIG || nent >= 16 * CPUID_MAX_ENTRIES)
        {
          vmm_error ("KVM_GET_SUPPORTED_CPUID: %s", g_strerror (errno));
          return NULL;
        }
      nent *= 2;
    }
}

static unsigned
cpuid_bits_for (unsigned count)
{
  unsigned bits = 0;

  while ((1u << bits) < count)
    bits++;
  return bits;
}

void
cpuid_set_topology (struct kvm_cpuid2 *cpuid, unsigned apic_id, unsigned n_vcpus)
{
  unsigned core_bits = cpuid_bits_for (n_vcpus);

  /* One socket of n_vcpus cores with one thread each, so that every leaf a
   * guest may consult (legacy, Intel extended topology, AMD) tells the same. */
  for (unsigned i = 0; i < cpuid->nent; i++)
    {
      struct kvm_cpuid_entry2 *e = &cpuid->entries[i];

      switch (e->function)
        {
        case 1:
          e->ebx = (e->ebx & 0x0000ffff) | (apic_id << 24) | ((n_vcpus & 0xff) << 16);
          e->ecx |= 1u << 31; /* running under a hypervisor */
          if (n_vcpus > 1)
            e->edx |= 1u << 28; /* HTT: the count in EBX[23:16] is valid */
          else
            e->edx &= ~(1u << 28);
          break;

        case 4:
          /* Cores per package sharing this cache level; a cache shared by all. */
          e->eax = (e->eax & 0x03ffffff) | (((1u << core_bits) - 1) << 26);
          if (((e->eax >> 5) & 7) >= 3)
            e->eax = (e->eax & ~(0xfffu << 14)) | (((1u << core_bits) - 1) << 14);
          else
            e->eax &= ~(0xfffu << 14);
          break;

        case 0xb:
        case 0x1f:
          e->edx = apic_id;
          if (e->index == 0)
            {
              e->eax = 0;            /* no thread bits */
              e->ebx = 1;
              e->ecx = (1u << 8) | 0; /* level type SMT */
            }
          else if (e->index == 1)
            {
              e->eax = core_bits;
              e->ebx = n_vcpus;
              e->ecx = (2u << 8) | 1; /* level type core */
            }
          else
            {
              e->eax = 0;
              e->ebx = 0;
              e->ecx = e->index;
            }
          break;

        case 0x80000001:
          if (n_vcpus > 1)
            e->ecx |= 1u << 1; /* CmpLegacy: cores, not threads */
          break;

        case 0x80000008:
          e->ecx = (e->ecx & ~0xf0ffu) | (core_bits << 12) | ((n_vcpus - 1) & 0xff);
          break;

        default:
          break;
        }
    }
}
