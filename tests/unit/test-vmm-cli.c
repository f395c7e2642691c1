/* SPDX-License-Identifier: GPL-3.0-or-later */
/* terrarium-vmm's command line as a user meets it. */
#include "config.h"

#include <glib.h>
#include <string.h>
#include <sys/wait.h>

static void
run_vmm (const char *const *args, int *status, char **out, char **err)
{
  const char *vmm = g_getenv ("TERRARIUM_VMM");
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GError) error = NULL;
  int wait_status;

  g_assert_nonnull (vmm);
  g_ptr_array_add (argv, (char *) vmm);
  for (; *args; args++)
    g_ptr_array_add (argv, (char *) *args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL, out, err,
                &wait_status, &error);
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (wait_status));
  *status = WEXITSTATUS (wait_status);
}

static void
test_version (void)
{
  const char *args[] = { "--version", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_cmpstr (out, ==, "terrarium-vmm " PACKAGE_VERSION "\n");
}

static void
test_help (void)
{
  const char *args[] = { "--help", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 0);
  g_assert_nonnull (strstr (out, "--version"));
  g_assert_nonnull (strstr (out, "--check-kvm"));
  g_assert_nonnull (strstr (out, "Exit status"));
}

static void
test_unknown_option (void)
{
  const char *args[] = { "--frobnicate", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "--frobnicate"));
  g_assert_nonnull (strstr (err, "--help"));
}

static void
test_check_kvm_missing (void)
{
  const char *args[] = { "--check-kvm", "--kvm-device", "/nonexistent/kvm", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "/nonexistent/kvm does not exist"));
  g_assert_nonnull (strstr (err, "modprobe"));
}

static void
test_nothing_to_do (void)
{
  const char *args[] = { NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 2);
  g_assert_nonnull (strstr (err, "no kernel to boot: pass --kernel"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/Vmm/cli/version", test_version);
  g_test_add_func ("/Vmm/cli/help", test_help);
  g_test_add_func ("/Vmm/cli/unknown-option", test_unknown_option);
  g_test_add_func ("/Vmm/cli/check-kvm-missing", test_check_kvm_missing);
  g_test_add_func ("/Vmm/cli/nothing-to-do", test_nothing_to_do);
  return g_test_run ();
}
