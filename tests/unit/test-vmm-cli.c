/* SPDX-License-Identifier: GPL-3.0-or-later */
/* terrarium-vmm's command line as a user meets it. */
#include "config.h"

#include <fcntl.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <unistd.h>
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
  g_assert_nonnull (strstr (err, "nothing to boot: pass --kernel FILE"));
}

/* Runs the VMM with @args after "--kernel <a readable file>" and checks that
 * it fails with @status and says @message. */
static void
expect_failure (const char *const *args, int expected_status, const char *message)
{
  const char *readable = g_getenv ("TERRARIUM_VMM");
  g_autoptr (GPtrArray) all = g_ptr_array_new ();
  g_autofree char *out = NULL, *err = NULL;
  int status;

  g_ptr_array_add (all, (char *) "--kernel");
  g_ptr_array_add (all, (char *) readable);
  for (; *args; args++)
    g_ptr_array_add (all, (char *) *args);
  g_ptr_array_add (all, NULL);
  run_vmm ((const char *const *) all->pdata, &status, &out, &err);
  if (!strstr (err, message))
    g_error ("expected “%s” in: %s", message, err);
  g_assert_cmpint (status, ==, expected_status);
}

static void
test_missing_kernel (void)
{
  const char *args[] = { "--kernel", "/nonexistent/vmlinuz", NULL };
  g_autofree char *out = NULL, *err = NULL;
  int status;

  run_vmm (args, &status, &out, &err);
  g_assert_cmpint (status, ==, 1);
  g_assert_nonnull (strstr (err, "Cannot read the kernel “/nonexistent/vmlinuz”: No such file"));
}

static void
test_missing_disk (void)
{
  const char *args[] = { "--disk", "/nonexistent/disk.img", NULL };

  expect_failure (args, 1, "disk image /nonexistent/disk.img does not exist");
}

static void
test_locked_disk (void)
{
  g_autofree char *path = NULL;
  struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
  int fd = g_file_open_tmp ("vmm-cli-XXXXXX.img", &path, NULL);
  const char *args[] = { "--disk", NULL, NULL };

  /* Another VMM holding the image, as terrarium-vmm itself locks it. */
  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (fcntl (fd, F_OFD_SETLK, &lock), ==, 0);
  args[1] = path;
  expect_failure (args, 1, "is in use by another virtual machine");
  close (fd);
  g_unlink (path);
}

static void
test_memory_too_large (void)
{
  const char *args[] = { "--memory", "256G", NULL };

  expect_failure (args, 2, "is more than this computer's memory");
}

static void
test_no_kvm (void)
{
  const char *args[] = { "--memory", "64M", "--kvm-device", "/nonexistent/kvm", NULL };

  expect_failure (args, 1, "/nonexistent/kvm does not exist: KVM is not available");
}

static void
test_corrupt_config (void)
{
  g_autofree char *path = NULL;
  int fd = g_file_open_tmp ("vmm-cli-XXXXXX.ini", &path, NULL);
  const char *args[] = { "--config", NULL, NULL };

  g_assert_cmpint (fd, >=, 0);
  g_assert_true (g_file_set_contents (path, "[machine\nmemory=1G\n", -1, NULL));
  close (fd);
  args[1] = path;
  expect_failure (args, 2, path);
  g_unlink (path);
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
  g_test_add_func ("/Vmm/cli/missing-kernel", test_missing_kernel);
  g_test_add_func ("/Vmm/cli/missing-disk", test_missing_disk);
  g_test_add_func ("/Vmm/cli/locked-disk", test_locked_disk);
  g_test_add_func ("/Vmm/cli/memory-too-large", test_memory_too_large);
  g_test_add_func ("/Vmm/cli/no-kvm", test_no_kvm);
  g_test_add_func ("/Vmm/cli/corrupt-config", test_corrupt_config);
  return g_test_run ();
}
