/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "msix"

#include "config.h"

#include "msix.h"

#include <errno.h>
#include <glib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "log.h"
#include "vm.h"

/* Each vector: an MSI route (GSI) plus an irqfd, so raising it is one
 * eventfd write from any thread, with no exit to or ioctl from user space. */
struct msix_kvm {
  struct vm *vm;
  unsigned n;
  int *gsi;
  int *fd;
};

static void
msix_kvm_teardown (void *opaque)
{
  struct msix_kvm *k = opaque;

  for (unsigned i = 0; i < k->n; i++)
    {
      if (k->fd[i] >= 0 && k->gsi[i] >= 0)
        vm_irqfd_remove (k->vm, k->fd[i], k->gsi[i]);
      if (k->gsi[i] >= 0)
        vm_msi_route_free (k->vm, k->gsi[i]);
      if (k->fd[i] >= 0)
        close (k->fd[i]);
    }
  g_free (k->gsi);
  g_free (k->fd);
  g_free (k);
}

static int
msix_kvm_setup (void *opaque, unsigned n)
{
  struct msix_kvm *k = opaque;

  k->gsi = g_new (int, n);
  k->fd = g_new (int, n);
  for (unsigned i = 0; i < n; i++)
    k->gsi[i] = k->fd[i] = -1;
  k->n = n;

  for (unsigned i = 0; i < n; i++)
    {
      int ret;

      k->gsi[i] = vm_msi_route_alloc (k->vm);
      if (k->gsi[i] < 0)
        return k->gsi[i];
      k->fd[i] = eventfd (0, EFD_CLOEXEC | EFD_NONBLOCK);
      if (k->fd[i] < 0)
        return -errno;
      ret = vm_irqfd_add (k->vm, k->fd[i], k->gsi[i], -1);
      if (ret < 0)
        {
          close (k->fd[i]);
          k->fd[i] = -1;
          return ret;
        }
    }
  return 0;
}

static void
msix_kvm_update (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msix_kvm *k = opaque;
  int ret = vm_msi_route_set (k->vm, k->gsi[vector], address, data);

  if (ret < 0)
    vmm_error ("MSI-X: cannot route vector %u: %s", vector, g_strerror (-ret));
}

static void
msix_kvm_fire (void *opaque, unsigned vector, uint64_t address, uint32_t data)
{
  struct msix_kvm *k = opaque;
  uint64_t one = 1;

  /* EAGAIN means the counter is saturated: an interrupt is pending anyway. */
  if (write (k->fd[vector], &one, sizeof one) < 0 && errno != EAGAIN)
    vmm_error ("MSI-X: cannot signal vector %u: %s", vector, g_strerror (errno));
}

static const struct msix_delivery_ops msix_kvm_ops = {
  .setup = msix_kvm_setup,
  .update = msix_kvm_update,
  .fire = msix_kvm_fire,
  .teardown = msix_kvm_teardown,
};

int
msix_kvm_delivery_new (struct vm *vm, struct msix_delivery *out)
{
  struct msix_kvm *k = g_new0 (struct msix_kvm, 1);

  k->vm = vm;
  out->ops = &msix_kvm_ops;
  out->opaque = k;
  return 0;
}
