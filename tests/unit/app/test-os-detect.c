/* SPDX-License-Identifier: GPL-3.0-or-later */
/* OS detection on ISOs that xorriso makes on the spot: a volume ID that
 * osinfo-db knows, one it does not, and files that are no installer. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "terrarium-os-detect.h"

#define GiB (1024ull * 1024 * 1024)

static char *tmp;

static char *
make_iso_full (const char *name,
               const char *volume_id,
               const char *publisher,
               gboolean    bootable)
{
  g_autofree char *root = g_build_filename (tmp, "root", NULL);
  g_autofree char *boot = g_build_filename (root, "boot.img", NULL);
  char *iso = g_build_filename (tmp, name, NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  g_autofree char *zeros = g_malloc0 (2048);
  int status = 0;

  g_assert_cmpint (g_mkdir_with_parents (root, 0700), ==, 0);
  /* El Torito needs a boot image; what is in it does not matter here. */
  g_assert_true (g_file_set_contents (boot, zeros, 2048, &error));
  g_ptr_array_add (argv, "xorriso");
  g_ptr_array_add (argv, "-as");
  g_ptr_array_add (argv, "mkisofs");
  g_ptr_array_add (argv, "-quiet");
  g_ptr_array_add (argv, "-V");
  g_ptr_array_add (argv, (char *) volume_id);
  if (publisher)
    {
      g_ptr_array_add (argv, "-publisher");
      g_ptr_array_add (argv, (char *) publisher);
    }
  if (bootable)
    {
      g_ptr_array_add (argv, "-b");
      g_ptr_array_add (argv, "boot.img");
      g_ptr_array_add (argv, "-no-emul-boot");
    }
  g_ptr_array_add (argv, "-o");
  g_ptr_array_add (argv, iso);
  g_ptr_array_add (argv, root);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                               NULL, &err, &status, &error));
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, &error))
    g_error ("xorriso: %s\n%s", error->message, err);
  return iso;
}

static char *
make_iso (const char *name,
          const char *volume_id,
          gboolean    bootable)
{
  return make_iso_full (name, volume_id, NULL, bootable);
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static TerrariumOsInfo *
detect (const char *path, GError **error)
{
  GAsyncResult *result = NULL;
  TerrariumOsInfo *info;

  terrarium_os_detect_async (path, NULL, on_done, &result);
  while (!result)
    g_main_context_iteration (NULL, TRUE);
  info = terrarium_os_detect_finish (result, error);
  g_object_unref (result);
  return info;
}

static void
test_debian (void)
{
  g_autofree char *iso = make_iso ("debian.iso", "Debian 11.6.0 amd64 1", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumOsInfo) info = detect (iso, &error);

  g_assert_no_error (error);
  g_assert_true (terrarium_os_info_is_known (info));
  g_assert_cmpstr (terrarium_os_info_get_path (info), ==, iso);
  g_assert_cmpstr (terrarium_os_info_get_name (info), ==, "Debian 11");
  g_assert_cmpstr (terrarium_os_info_get_version (info), ==, "11");
  g_assert_cmpstr (terrarium_os_info_get_short_id (info), ==, "debian11");
  g_assert_cmpstr (terrarium_os_info_get_volume_id (info), ==, "Debian 11.6.0 amd64 1");
  /* osinfo-db: at least 1 GiB and 10 GiB; 1 GiB and 20 GiB recommended. */
  g_assert_cmpuint (terrarium_os_info_get_minimum_memory (info), ==, 1 * GiB);
  g_assert_cmpuint (terrarium_os_info_get_recommended_memory (info), ==, 1 * GiB);
  g_assert_cmpuint (terrarium_os_info_get_minimum_storage (info), ==, 10 * GiB);
  g_assert_cmpuint (terrarium_os_info_get_recommended_storage (info), ==, 20 * GiB);
  g_assert_cmpuint (terrarium_os_info_get_minimum_cpus (info), ==, 1);
  /* Not in the database: our default, above its minimum. */
  g_assert_cmpuint (terrarium_os_info_get_recommended_cpus (info), ==, 2);
  g_assert_false (terrarium_os_info_needs_uefi (info));
  g_assert_false (terrarium_os_info_needs_bios (info));
}

/* Windows 11 boots with UEFI only. */
static void
test_needs_uefi (void)
{
  g_autofree char *iso = make_iso_full ("win11.iso", "CCCOMA_X64FRE_EN-US_DV9",
                                       "MICROSOFT CORPORATION", TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumOsInfo) info = detect (iso, &error);

  g_assert_no_error (error);
  if (!terrarium_os_info_is_known (info))
    {
      g_test_skip ("this osinfo-db does not know Windows 11's volume ID");
      return;
    }
  g_assert_cmpstr (terrarium_os_info_get_short_id (info), ==, "win11");
  g_assert_true (terrarium_os_info_needs_uefi (info));
  g_assert_true (terrarium_os_info_prefers_uefi (info));
}

static void
test_unknown (void)
{
  g_autofree char *iso = make_iso ("mystery.iso", "TERRARIUM_MYSTERY", TRUE);
  g_autofree char *ovmf = g_build_filename (tmp, "OVMF_CODE_4M.fd", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumOsInfo) info = detect (iso, &error);

  g_assert_no_error (error);
  g_assert_false (terrarium_os_info_is_known (info));
  g_assert_cmpstr (terrarium_os_info_get_name (info), ==, "Unknown operating system");
  g_assert_null (terrarium_os_info_get_short_id (info));
  g_assert_cmpstr (terrarium_os_info_get_volume_id (info), ==, "TERRARIUM_MYSTERY");
  g_assert_cmpuint (terrarium_os_info_get_recommended_memory (info), ==, 2 * GiB);
  g_assert_cmpuint (terrarium_os_info_get_recommended_cpus (info), ==, 2);
  g_assert_cmpuint (terrarium_os_info_get_recommended_storage (info), ==, 20 * GiB);

  /* UEFI when OVMF is there, BIOS when not. */
  g_assert_true (g_file_set_contents (ovmf, "", 0, &error));
  g_setenv ("TERRARIUM_OVMF_CODE", ovmf, TRUE);
  g_assert_true (terrarium_os_info_prefers_uefi (info));
  g_setenv ("TERRARIUM_OVMF_CODE", "/nonexistent/OVMF_CODE_4M.fd", TRUE);
  g_assert_false (terrarium_os_info_prefers_uefi (info));
  g_unsetenv ("TERRARIUM_OVMF_CODE");
}

static void
expect_error (const char *path, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumOsInfo) info = detect (path, &error);

  g_assert_null (info);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
  if (!strstr (error->message, needle))
    g_error ("message '%s' lacks '%s'", error->message, needle);
}

static void
test_not_an_installer (void)
{
  g_autofree char *text = g_build_filename (tmp, "notes.txt", NULL);
  g_autofree char *empty = g_build_filename (tmp, "empty.iso", NULL);
  g_autofree char *plain = make_iso ("data.iso", "JUST_DATA", FALSE);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (text, "Shopping list: milk, eggs.\n", -1, &error));
  expect_error (text, "is not a CD or DVD image");
  g_assert_true (g_file_set_contents (empty, "", 0, &error));
  expect_error (empty, "is empty");
  expect_error ("/nonexistent/installer.iso", "Cannot read");
  expect_error (tmp, "is not a file");
  expect_error (plain, "cannot start a computer");
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *e;

  while (dir && (e = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (path, e, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        rm_rf (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *xorriso = g_find_program_in_path ("xorriso");
  int status;

  g_test_init (&argc, &argv, NULL);
  if (!xorriso)
    {
      g_test_message ("xorriso is not installed (tools/install-deps)");
      return 77;
    }
  tmp = g_dir_make_tmp ("terrarium-os-detect-XXXXXX", NULL);
  g_assert_nonnull (tmp);
  g_test_add_func ("/os-detect/debian", test_debian);
  g_test_add_func ("/os-detect/needs-uefi", test_needs_uefi);
  g_test_add_func ("/os-detect/unknown", test_unknown);
  g_test_add_func ("/os-detect/not-an-installer", test_not_an_installer);
  status = g_test_run ();
  rm_rf (tmp);
  g_free (tmp);
  return status;
}
