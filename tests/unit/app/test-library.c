/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's VM library on a temporary folder: what users would lose if it
 * broke (machines vanishing, settings reverting, disks deleted). */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "terrarium-library.h"

typedef struct {
  char *tmp;
  char *root;
  char *kernel;
  TerrariumLibrary *library;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;

  f->tmp = g_dir_make_tmp ("terrarium-library-XXXXXX", &error);
  g_assert_no_error (error);
  f->root = g_build_filename (f->tmp, "machines", NULL);
  f->kernel = g_build_filename (f->tmp, "vmlinuz", NULL);
  g_file_set_contents (f->kernel, "not really a kernel", -1, &error);
  g_assert_no_error (error);
  f->library = terrarium_library_new (f->root);
  g_assert_true (terrarium_library_load (f->library, &error));
  g_assert_no_error (error);
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

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->library);
  rm_rf (f->tmp);
  g_free (f->tmp);
  g_free (f->root);
  g_free (f->kernel);
}

typedef struct {
  GMainLoop *loop;
  GAsyncResult *result;
  double last_progress;
  guint n_progress;
} Wait;

static void
on_progress (double fraction, gpointer user_data)
{
  Wait *w = user_data;

  g_assert_cmpfloat (fraction, >=, w->last_progress);
  w->last_progress = fraction;
  w->n_progress++;
}

static void
on_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->result = g_object_ref (result);
  g_main_loop_quit (w->loop);
}

static TerrariumMachine *
create (Fixture *f, const TerrariumMachineSpec *spec, GError **error)
{
  Wait w = { .loop = g_main_loop_new (NULL, FALSE) };
  TerrariumMachine *m;

  terrarium_library_create_async (f->library, spec, on_progress, &w, NULL, on_done, &w);
  g_main_loop_run (w.loop);
  m = terrarium_library_create_finish (f->library, w.result, error);
  /* Progress reports are queued before the result: let them run. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (m)
    {
      g_assert_cmpuint (w.n_progress, >=, 2);
      g_assert_cmpfloat (w.last_progress, ==, 1.0);
    }
  g_object_unref (w.result);
  g_main_loop_unref (w.loop);
  return m;
}

static TerrariumMachineSpec
default_spec (Fixture *f, const char *name)
{
  return (TerrariumMachineSpec) {
    .name = name, .memory = 512ull << 20, .cpus = 1, .disk_size = 64ull << 20,
    .kernel = f->kernel, .cmdline = "console=ttyS0",
  };
}

static void
test_create_and_reload (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec = default_spec (f, "  Debian  ");
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) m = create (f, &spec, &error);
  g_autoptr(TerrariumLibrary) again = NULL;
  g_autofree char *disk = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *desc = NULL;
  TerrariumMachine *found;
  struct stat st;

  g_assert_no_error (error);
  g_assert_nonnull (m);
  g_assert_cmpstr (terrarium_machine_get_name (m), ==, "Debian");
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 1);
  g_assert_true (g_file_test (terrarium_machine_get_config_path (m), G_FILE_TEST_IS_REGULAR));
  /* The folder is the machine's UUID and the file says so. */
  g_assert_true (g_uuid_string_is_valid (terrarium_machine_get_id (m)));
  g_assert_cmpstr (terrarium_machine_get_config (m)->uuid, ==, terrarium_machine_get_id (m));

  /* A sparse disk of the asked size. */
  disk = g_build_filename (terrarium_machine_get_folder (m), "disk0.img", NULL);
  g_assert_cmpint (g_stat (disk, &st), ==, 0);
  g_assert_cmpint (st.st_size, ==, 64 << 20);
  g_assert_cmpint (st.st_blocks * 512, <, 1 << 20);
  g_assert_cmpuint (terrarium_machine_get_disk_size (m), ==, 64u << 20);
  g_assert_cmpuint (st.st_mode & 0777, ==, 0600);

  g_assert_true (g_file_get_contents (terrarium_machine_get_config_path (m), &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "memory=512M"));
  g_assert_nonnull (strstr (ini, "cmdline=console=ttyS0"));
  /* A MAC of its own, kept in the file. */
  g_assert_nonnull (strstr (ini, "mac=52:54:00:"));
  desc = terrarium_machine_describe (m);
  g_assert_nonnull (strstr (desc, "512"));

  /* No work folder is left behind. */
  {
    g_autoptr(GDir) dir = g_dir_open (f->root, 0, NULL);
    const char *e;
    guint n = 0;

    while ((e = g_dir_read_name (dir)))
      {
        g_assert_false (e[0] == '.');
        n++;
      }
    g_assert_cmpuint (n, ==, 1);
  }

  again = terrarium_library_new (f->root);
  g_assert_true (terrarium_library_load (again, &error));
  found = terrarium_library_find (again, terrarium_machine_get_id (m));
  g_assert_nonnull (found);
  g_assert_cmpint (terrarium_machine_get_state (found), ==, TERRARIUM_MACHINE_STATE_STOPPED);
  g_assert_cmpstr (terrarium_machine_get_name (found), ==, "Debian");
  g_assert_cmpuint (terrarium_machine_get_memory (found), ==, 512u << 20);
  g_assert_cmpuint (terrarium_machine_get_cpus (found), ==, 1);
}

static void
test_sorted_and_rename (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec a = default_spec (f, "beta");
  TerrariumMachineSpec b = default_spec (f, "Alpha");
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) mb = NULL;
  g_autoptr(TerrariumMachine) ma = NULL;
  g_autoptr(TerrariumMachine) first = NULL;
  g_autofree char *ini = NULL;
  g_autofree char *edited = NULL;
  g_autoptr(TerrariumLibrary) again = NULL;
  struct stat before, after;

  a.disk_size = b.disk_size = 0;
  mb = create (f, &a, &error);
  g_assert_no_error (error);
  ma = create (f, &b, &error);
  g_assert_no_error (error);
  first = g_list_model_get_item (G_LIST_MODEL (f->library), 0);
  g_assert_true (first == ma);

  /* Keys this version does not know survive a rename. */
  g_assert_true (g_file_get_contents (terrarium_machine_get_config_path (mb), &ini, NULL, NULL));
  edited = g_strconcat (ini, "\n[future]\nwish=pony\n", NULL);
  g_assert_true (g_file_set_contents (terrarium_machine_get_config_path (mb), edited, -1, NULL));
  g_assert_true (terrarium_library_load (f->library, &error));
  g_clear_object (&mb);
  mb = g_list_model_get_item (G_LIST_MODEL (f->library), 1);
  g_assert_cmpstr (terrarium_machine_get_name (mb), ==, "beta");

  g_assert_cmpint (g_stat (terrarium_machine_get_config_path (mb), &before), ==, 0);
  g_assert_true (terrarium_machine_rename (mb, "Aardvark", &error));
  g_assert_no_error (error);
  g_clear_object (&first);
  first = g_list_model_get_item (G_LIST_MODEL (f->library), 0);
  g_assert_true (first == mb);
  /* Written anew and renamed into place, never rewritten in place. */
  g_assert_cmpint (g_stat (terrarium_machine_get_config_path (mb), &after), ==, 0);
  g_assert_cmpuint (before.st_ino, !=, after.st_ino);

  g_clear_pointer (&ini, g_free);
  g_assert_true (g_file_get_contents (terrarium_machine_get_config_path (mb), &ini, NULL, NULL));
  g_assert_nonnull (strstr (ini, "name=Aardvark"));
  g_assert_nonnull (strstr (ini, "wish=pony"));

  /* A refused name changes nothing, in memory or on disk. */
  g_assert_false (terrarium_machine_rename (mb, "   ", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpstr (terrarium_machine_get_name (mb), ==, "Aardvark");

  again = terrarium_library_new (f->root);
  g_assert_true (terrarium_library_load (again, &error));
  g_assert_cmpstr (terrarium_machine_get_name (terrarium_library_find (again,
                                                 terrarium_machine_get_id (mb))), ==, "Aardvark");
}

static void
test_broken_machine (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec = default_spec (f, "Good");
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) good = create (f, &spec, &error);
  g_autofree char *bad_folder = g_build_filename (f->root, "broken-one", NULL);
  g_autofree char *bad_ini = g_build_filename (bad_folder, "machine.ini", NULL);
  g_autofree char *empty_folder = g_build_filename (f->root, "no-file", NULL);
  TerrariumMachine *bad;

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir (bad_folder, 0700), ==, 0);
  g_assert_cmpint (g_mkdir (empty_folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (bad_ini, "[machine]\nmemory=lots\n", -1, NULL));

  g_assert_true (terrarium_library_load (f->library, &error));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 3);
  g_assert_nonnull (terrarium_library_find (f->library, terrarium_machine_get_id (good)));
  g_assert_cmpint (terrarium_machine_get_state (terrarium_library_find (
                     f->library, terrarium_machine_get_id (good))), ==,
                   TERRARIUM_MACHINE_STATE_STOPPED);

  bad = terrarium_library_find (f->library, "broken-one");
  g_assert_nonnull (bad);
  g_assert_cmpint (terrarium_machine_get_state (bad), ==, TERRARIUM_MACHINE_STATE_BROKEN);
  g_assert_nonnull (strstr (terrarium_machine_get_broken_reason (bad), "memory"));
  g_assert_null (terrarium_machine_get_config (bad));
  g_assert_false (terrarium_machine_rename (bad, "x", &error));
  g_clear_error (&error);
  g_assert_cmpint (terrarium_machine_get_state (terrarium_library_find (f->library, "no-file")),
                   ==, TERRARIUM_MACHINE_STATE_BROKEN);

  /* A broken machine can still be removed. */
  g_assert_true (terrarium_library_delete (f->library, bad, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (bad_folder, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 2);
}

static void
test_delete (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec = default_spec (f, "Gone/Soon");
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) m = create (f, &spec, &error);
  g_autoptr(TerrariumMachine) m2 = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *folder = NULL;
  g_autofree char *kept_disk = NULL;
  g_autofree char *kept_name = NULL;

  g_assert_no_error (error);
  folder = g_strdup (terrarium_machine_get_folder (m));

  terrarium_machine_set_state (m, TERRARIUM_MACHINE_STATE_RUNNING);
  g_assert_false (terrarium_library_delete (f->library, m, FALSE, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);
  g_clear_error (&error);
  g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  terrarium_machine_set_state (m, TERRARIUM_MACHINE_STATE_STOPPED);

  g_assert_true (terrarium_library_delete (f->library, m, TRUE, &kept, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
  g_assert_nonnull (kept);
  kept_name = g_strdup_printf ("Gone-Soon-%.8s-disk0.img", terrarium_machine_get_id (m));
  kept_disk = g_build_filename (kept, kept_name, NULL);
  g_assert_true (g_file_test (kept_disk, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 0);

  /* Without keeping, the disk goes with the folder. */
  g_clear_pointer (&folder, g_free);
  m2 = create (f, &spec, &error);
  g_assert_no_error (error);
  folder = g_strdup (terrarium_machine_get_folder (m2));
  g_assert_true (terrarium_library_delete (f->library, m2, FALSE, NULL, &error));
  g_assert_false (g_file_test (folder, G_FILE_TEST_EXISTS));
}

static void
expect_invalid (Fixture *f, const TerrariumMachineSpec *spec, const char *needle)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) m = NULL;

  g_assert_false (terrarium_library_validate_spec (f->library, spec, &error));
  g_assert_nonnull (error);
  if (!strstr (error->message, needle))
    g_error ("message '%s' lacks '%s'", error->message, needle);
  g_clear_error (&error);
  /* And create refuses without leaving anything. */
  m = create (f, spec, &error);
  g_assert_null (m);
  g_assert_nonnull (error);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (f->library)), ==, 0);
}

static void
test_validation (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec;
  g_autoptr(GError) error = NULL;

  spec = default_spec (f, "ok");
  g_assert_true (terrarium_library_validate_spec (f->library, &spec, &error));
  g_assert_no_error (error);

  spec = default_spec (f, "   ");
  expect_invalid (f, &spec, "name");
  spec = default_spec (f, "x");
  spec.memory = ((machine_config_host_memory () >> 20) + 1024) << 20;
  expect_invalid (f, &spec, "at most");
  spec = default_spec (f, "x");
  spec.memory = 16ull << 20;
  expect_invalid (f, &spec, "MiB");
  spec = default_spec (f, "x");
  spec.cpus = g_get_num_processors () + 1;
  expect_invalid (f, &spec, "CPU");
  spec = default_spec (f, "x");
  spec.cpus = 0;
  expect_invalid (f, &spec, "CPU");
  spec = default_spec (f, "x");
  spec.disk_size = 1ull << 60;
  expect_invalid (f, &spec, "free");
  spec = default_spec (f, "x");
  spec.kernel = "/nonexistent/vmlinuz";
  expect_invalid (f, &spec, "/nonexistent/vmlinuz");
  spec = default_spec (f, "x");
  spec.kernel = NULL;
  expect_invalid (f, &spec, "kernel");
}

/* What the install wizard makes: firmware, the ISO in the CD-ROM drive
 * first in the boot order, no kernel. */
static void
test_firmware_machine (Fixture *f, gconstpointer data)
{
  g_autofree char *iso = g_build_filename (f->tmp, "installer.iso", NULL);
  g_autofree char *vars = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(TerrariumMachine) m = NULL;
  g_autoptr(TerrariumMachine) m2 = NULL;
  g_autoptr(TerrariumLibrary) again = NULL;
  const struct machine_config *cfg;
  TerrariumMachineSpec spec = {
    .name = "Installer", .memory = 512ull << 20, .cpus = 1, .disk_size = 64ull << 20,
    .firmware = MACHINE_FIRMWARE_UEFI, .cdrom = iso,
  };

  g_assert_true (g_file_set_contents (iso, "stand-in for an ISO", -1, &error));
  m = create (f, &spec, &error);
  g_assert_no_error (error);
  g_assert_nonnull (m);

  /* What was written is what loads again. */
  again = terrarium_library_new (f->root);
  g_assert_true (terrarium_library_load (again, &error));
  cfg = terrarium_machine_get_config (terrarium_library_find (again, terrarium_machine_get_id (m)));
  g_assert_nonnull (cfg);
  g_assert_cmpint (cfg->firmware, ==, MACHINE_FIRMWARE_UEFI);
  g_assert_null (cfg->kernel);
  g_assert_true (cfg->cdrom);
  g_assert_cmpstr (cfg->cdrom_path, ==, iso);
  g_assert_cmpuint (cfg->n_boot, ==, 2);
  g_assert_cmpint (cfg->boot_order[0], ==, MACHINE_BOOT_CDROM);
  g_assert_cmpint (cfg->boot_order[1], ==, MACHINE_BOOT_DISK);
  g_assert_cmpuint (cfg->n_disks, ==, 1);
  vars = g_build_filename (terrarium_machine_get_folder (m), TERRARIUM_MACHINE_UEFI_VARS_FILE,
                           NULL);
  g_assert_cmpstr (cfg->uefi_vars, ==, vars);

  /* BIOS machines have no variable store. */
  spec.name = "Old School";
  spec.firmware = MACHINE_FIRMWARE_BIOS;
  m2 = create (f, &spec, &error);
  g_assert_no_error (error);
  cfg = terrarium_machine_get_config (m2);
  g_assert_cmpint (cfg->firmware, ==, MACHINE_FIRMWARE_BIOS);
  g_assert_null (cfg->uefi_vars);
  g_assert_cmpstr (cfg->cdrom_path, ==, iso);
}

static void
test_firmware_validation (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec = {
    .name = "x", .memory = 512ull << 20, .cpus = 1, .disk_size = 64ull << 20,
    .firmware = MACHINE_FIRMWARE_BIOS, .cdrom = "/nonexistent/installer.iso",
  };

  expect_invalid (f, &spec, "/nonexistent/installer.iso");
  spec.cdrom = NULL;
  spec.kernel = f->kernel;
  expect_invalid (f, &spec, "kernel");
}

/* A cancelled create leaves no folder, hidden or not. */
static void
test_create_cancelled (Fixture *f, gconstpointer data)
{
  TerrariumMachineSpec spec = default_spec (f, "Never");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GDir) dir = NULL;
  Wait w = { .loop = g_main_loop_new (NULL, FALSE) };
  TerrariumMachine *m;

  g_cancellable_cancel (cancellable);
  terrarium_library_create_async (f->library, &spec, NULL, NULL, cancellable, on_done, &w);
  g_main_loop_run (w.loop);
  m = terrarium_library_create_finish (f->library, w.result, &error);
  g_assert_null (m);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  dir = g_dir_open (f->root, 0, NULL);
  g_assert_nonnull (dir);
  g_assert_null (g_dir_read_name (dir));
  g_object_unref (w.result);
  g_main_loop_unref (w.loop);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/library/create-and-reload", test_create_and_reload);
  ADD ("/library/sorted-and-rename", test_sorted_and_rename);
  ADD ("/library/broken-machine", test_broken_machine);
  ADD ("/library/delete", test_delete);
  ADD ("/library/validation", test_validation);
  ADD ("/library/firmware-machine", test_firmware_machine);
  ADD ("/library/firmware-validation", test_firmware_validation);
  ADD ("/library/create-cancelled", test_create_cancelled);
  return g_test_run ();
}
