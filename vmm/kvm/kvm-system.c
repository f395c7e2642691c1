/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "kvm-system"

#include "config.h"

#include "kvm-system.h"

#include <errno.h>
#include <fcntl.h>
#include <glib.h>
#include <glib/gi18n.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

/* Which of the two vendor modules applies to this CPU, for the advice text. */
static const char *
kvm_system_vendor_module (void)
{
  g_autofree char *cpuinfo = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return "kvm_intel or kvm_amd";
  if (strstr (cpuinfo, "AuthenticAMD") || strstr (cpuinfo, "HygonGenuine"))
    return "kvm_amd";
  if (strstr (cpuinfo, "GenuineIntel"))
    return "kvm_intel";
  return "kvm_intel or kvm_amd";
}

char *
kvm_system_explain_error (const char *path, int err)
{
  const char *module = kvm_system_vendor_module ();

  switch (err)
    {
    case ENOENT:
    case ENXIO:
    case ENODEV:
      return g_strdup_printf (_("%s does not exist: KVM is not available on this machine.\n"
        "  1. Enable hardware virtualization (Intel VT-x or AMD-V/SVM) in the firmware (BIOS/UEFI) settings.\n"
        "  2. Load the kernel module: sudo modprobe %s\n"
        "  3. Inside a virtual machine, enable nested virtualization on its host."),
        path, module);
    case EACCES:
    case EPERM:
      return g_strdup_printf (_("Permission denied opening %s.\n"
        "Add yourself to the group that owns it and log in again: sudo usermod -aG kvm $USER\n"
        "(check the group with: ls -l %s)"),
        path, path);
    case ENOTTY:
    case EINVAL:
      return g_strdup_printf (_("%s is not a KVM device."), path);
    case EBUSY:
      return g_strdup_printf (_("%s is busy: another hypervisor (VirtualBox or VMware) may hold the CPU's virtualization "
        "extensions. Quit it, or unload its kernel module."),
        path);
    default:
      return g_strdup_printf (_("Cannot open %s: %s."), path, g_strerror (err));
    }
}

int
kvm_system_open (struct kvm_system *kvm, const char *path, char **why)
{
  int fd;
  int version;
  int mmap_size;
  int err;

  g_return_val_if_fail (kvm != NULL, -EINVAL);

  kvm->fd = -1;
  if (path == NULL)
    path = KVM_SYSTEM_DEFAULT_PATH;

  fd = open (path, O_RDWR | O_CLOEXEC);
  if (fd < 0)
    {
      err = errno;
      goto fail;
    }

  version = ioctl (fd, KVM_GET_API_VERSION, 0);
  if (version < 0)
    {
      err = errno;
      close (fd);
      goto fail;
    }
  if (version != KVM_API_VERSION)
    {
      close (fd);
      if (why)
        *why = g_strdup_printf (_("%s speaks KVM API version %d; version %d is required."),
                                path, version, KVM_API_VERSION);
      return -ENOTSUP;
    }

  mmap_size = ioctl (fd, KVM_GET_VCPU_MMAP_SIZE, 0);
  if (mmap_size < (int) sizeof (struct kvm_run))
    {
      err = mmap_size < 0 ? errno : EINVAL;
      close (fd);
      goto fail;
    }

  kvm->fd = fd;
  kvm->api_version = version;
  kvm->vcpu_mmap_size = mmap_size;
  return 0;

fail:
  if (why)
    *why = kvm_system_explain_error (path, err);
  return -err;
}

void
kvm_system_close (struct kvm_system *kvm)
{
  if (kvm->fd >= 0)
    close (kvm->fd);
  kvm->fd = -1;
}

int
kvm_system_check_extension (const struct kvm_system *kvm, long capability)
{
  int ret = ioctl (kvm->fd, KVM_CHECK_EXTENSION, capability);

  return ret < 0 ? -errno : ret;
}
