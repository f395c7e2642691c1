/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The advice a user gets when KVM cannot be opened. */
#include "config.h"

#include <errno.h>
#include <glib.h>
#include <string.h>

#include "kvm/kvm-system.h"

static void
test_missing_device (void)
{
  struct kvm_system kvm;
  g_autofree char *why = NULL;
  int ret = kvm_system_open (&kvm, "/nonexistent/kvm", &why);

  g_assert_cmpint (ret, ==, -ENOENT);
  g_assert_cmpint (kvm.fd, ==, -1);
  g_assert_nonnull (why);
  /* The user learns where to switch virtualization on and which module to load. */
  g_assert_nonnull (strstr (why, "/nonexistent/kvm does not exist"));
  g_assert_nonnull (strstr (why, "firmware"));
  g_assert_nonnull (strstr (why, "modprobe kvm_"));
  g_assert_nonnull (strstr (why, "nested virtualization"));
}

static void
test_not_a_kvm_device (void)
{
  struct kvm_system kvm;
  g_autofree char *why = NULL;
  int ret = kvm_system_open (&kvm, "/dev/null", &why);

  g_assert_cmpint (ret, ==, -ENOTTY);
  g_assert_cmpstr (why, ==, "/dev/null is not a KVM device.");
}

static void
test_permission_advice (void)
{
  g_autofree char *why = kvm_system_explain_error ("/dev/kvm", EACCES);

  g_assert_nonnull (strstr (why, "Permission denied"));
  g_assert_nonnull (strstr (why, "usermod -aG kvm"));
}

static void
test_busy_advice (void)
{
  g_autofree char *why = kvm_system_explain_error ("/dev/kvm", EBUSY);

  g_assert_nonnull (strstr (why, "another hypervisor"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/kvm-system/missing-device", test_missing_device);
  g_test_add_func ("/Vmm/kvm-system/not-a-kvm-device", test_not_a_kvm_device);
  g_test_add_func ("/Vmm/kvm-system/permission-advice", test_permission_advice);
  g_test_add_func ("/Vmm/kvm-system/busy-advice", test_busy_advice);
  return g_test_run ();
}
