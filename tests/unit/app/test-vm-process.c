/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The app's side of a running machine without KVM: where the control
 * socket goes, what a user reads when the VMM dies (its exit status in words
 * and the end of vmm.log), and a real terrarium-vmm refusing to boot a file
 * that is not a kernel. */
#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>

#include "terrarium-vm-process.h"

static char *
make_tmp (void)
{
  g_autoptr(GError) error = NULL;
  char *tmp = g_dir_make_tmp ("terrarium-vm-process-XXXXXX", &error);

  g_assert_no_error (error);
  return tmp;
}

static void
rm_rf (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *e;

  while (dir && (e = g_dir_read_name (dir)))
    {
      g_autofree char *p = g_build_filename (path, e, NULL);

      if (g_file_test (p, G_FILE_TEST_IS_DIR) && !g_file_test (p, G_FILE_TEST_IS_SYMLINK))
        rm_rf (p);
      else
        g_unlink (p);
    }
  g_rmdir (path);
}

static void
test_socket_path (void)
{
  g_autofree char *path = terrarium_vm_process_socket_path ("/run/user/1000", "debian-12");

  g_assert_cmpstr (path, ==, "/run/user/1000/terrarium/debian-12.sock");
}

static void
test_find_vmm (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("TERRARIUM_VMM"));
  g_autofree char *found = NULL;

  g_setenv ("TERRARIUM_VMM", "/opt/test/terrarium-vmm", TRUE);
  found = terrarium_vm_process_find_vmm ();
  g_assert_cmpstr (found, ==, "/opt/test/terrarium-vmm");
  g_clear_pointer (&found, g_free);

  /* Without the variable: PATH, then the install folder; never NULL. */
  g_unsetenv ("TERRARIUM_VMM");
  found = terrarium_vm_process_find_vmm ();
  g_assert_nonnull (found);
  g_assert_true (g_str_has_suffix (found, "/terrarium-vmm"));

  if (saved)
    g_setenv ("TERRARIUM_VMM", saved, TRUE);
}

static void
check_tail (const char *contents,
            guint       n_lines,
            const char *expected)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *path = g_build_filename (tmp, "vmm.log", NULL);
  g_autofree char *tail = NULL;

  g_assert_true (g_file_set_contents (path, contents, -1, NULL));
  tail = terrarium_vm_process_log_tail (path, n_lines);
  g_assert_cmpstr (tail, ==, expected);
  rm_rf (tmp);
}

static void
test_log_tail (void)
{
  g_autofree char *missing = terrarium_vm_process_log_tail ("/nonexistent/vmm.log", 10);
  GString *many = g_string_new (NULL);
  GString *last = g_string_new (NULL);

  g_assert_cmpstr (missing, ==, "");
  check_tail ("", 10, "");
  check_tail ("one\ntwo\n", 10, "one\ntwo");
  check_tail ("one\ntwo\nthree", 2, "two\nthree");
  check_tail ("one\ntwo\nthree\n\n", 1, "three");
  check_tail ("only line", 1, "only line");
  /* Bytes that are not UTF-8 (a guest's serial output) stay readable. */
  check_tail ("a\xff" "b\n", 1, "a\xef\xbf\xbd" "b");

  for (int i = 0; i < 1000; i++)
    g_string_append_printf (many, "line %d\n", i);
  for (int i = 990; i < 1000; i++)
    g_string_append_printf (last, i < 999 ? "line %d\n" : "line %d", i);
  check_tail (many->str, 10, last->str);
  g_string_free (many, TRUE);
  g_string_free (last, TRUE);
}

static void
test_exit_reason (void)
{
  /* Wait statuses as waitpid() reports them. */
  const int exited_0 = 0 << 8, exited_1 = 1 << 8, exited_2 = 2 << 8, exited_3 = 3 << 8;
  const int exited_4 = 4 << 8, exited_5 = 5 << 8, exited_42 = 42 << 8;
  g_autofree char *r1 = terrarium_vm_process_exit_reason (exited_1, FALSE);
  g_autofree char *r2 = terrarium_vm_process_exit_reason (exited_2, FALSE);
  g_autofree char *r3 = terrarium_vm_process_exit_reason (exited_3, FALSE);
  g_autofree char *r4 = terrarium_vm_process_exit_reason (exited_4, FALSE);
  g_autofree char *r5 = terrarium_vm_process_exit_reason (exited_5, FALSE);
  g_autofree char *r42 = terrarium_vm_process_exit_reason (exited_42, FALSE);
  g_autofree char *killed = terrarium_vm_process_exit_reason (SIGKILL, FALSE);

  /* A guest that powered off, or a force-off the user asked for, is normal. */
  g_assert_null (terrarium_vm_process_exit_reason (exited_0, FALSE));
  g_assert_null (terrarium_vm_process_exit_reason (exited_0, TRUE));
  g_assert_null (terrarium_vm_process_exit_reason (exited_4, TRUE));

  g_assert_nonnull (strstr (r1, "could not start"));
  g_assert_nonnull (strstr (r2, "settings"));
  g_assert_nonnull (strstr (r3, "restarted"));
  g_assert_nonnull (strstr (r4, "forced off"));
  g_assert_nonnull (strstr (r5, "crashed"));
  g_assert_nonnull (strstr (r42, "42"));
  g_assert_nonnull (strstr (killed, "signal 9"));
  /* Killed is unexpected, unless it was our own force-off of a VMM that
   * was not listening yet. */
  g_assert_null (terrarium_vm_process_exit_reason (SIGKILL, TRUE));
  g_free (killed);
  killed = terrarium_vm_process_exit_reason (SIGTERM, TRUE);
  g_assert_nonnull (strstr (killed, "signal 15"));
}

static void
quit_when_stopped (TerrariumVmProcess *process,
                   GParamSpec         *pspec,
                   GMainLoop          *loop)
{
  if (!terrarium_vm_process_is_running (process))
    g_main_loop_quit (loop);
}

static gboolean
timed_out (gpointer data)
{
  g_error ("terrarium-vmm did not exit within 30 s");
  return G_SOURCE_REMOVE;
}

/* The real VMM with a file that is not a kernel: it must exit with an
 * error, and the app must say so with the VMM's own words from vmm.log. */
static void
test_vmm_refuses (void)
{
  g_autofree char *tmp = make_tmp ();
  g_autofree char *folder = g_build_filename (tmp, "machines", "broken-kernel", NULL);
  g_autofree char *kernel = g_build_filename (tmp, "vmlinuz", NULL);
  g_autofree char *ini = NULL;
  g_autofree char *ini_path = NULL;
  g_autofree char *log = NULL;
  g_autoptr(TerrariumMachine) machine = NULL;
  g_autoptr(TerrariumVmProcess) process = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  guint timeout;

  if (!g_getenv ("TERRARIUM_VMM"))
    {
      g_test_skip ("TERRARIUM_VMM is not set (run through meson test)");
      return;
    }

  g_assert_cmpint (g_mkdir_with_parents (folder, 0700), ==, 0);
  g_assert_true (g_file_set_contents (kernel, "not a kernel at all", -1, NULL));
  ini = g_strdup_printf ("[machine]\nname=Broken Kernel\nmemory=64M\nkernel=%s\n"
                         "serial=none\n", kernel);
  ini_path = g_build_filename (folder, "machine.ini", NULL);
  g_assert_true (g_file_set_contents (ini_path, ini, -1, NULL));

  machine = terrarium_machine_load (folder);
  g_assert_nonnull (terrarium_machine_get_config (machine));
  process = terrarium_vm_process_new (machine);
  g_signal_connect (process, "notify::running", G_CALLBACK (quit_when_stopped), loop);

  g_assert_true (terrarium_vm_process_start (process, &error));
  g_assert_no_error (error);
  g_assert_true (terrarium_vm_process_is_running (process));
  g_assert_cmpint (terrarium_machine_get_state (machine), ==, TERRARIUM_MACHINE_STATE_RUNNING);
  /* Running twice is refused, not a second VMM on the same machine. */
  g_assert_false (terrarium_vm_process_start (process, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BUSY);

  timeout = g_timeout_add_seconds (30, timed_out, NULL);
  g_main_loop_run (loop);
  g_source_remove (timeout);

  g_assert_false (terrarium_vm_process_is_running (process));
  g_assert_cmpint (terrarium_machine_get_state (machine), ==, TERRARIUM_MACHINE_STATE_STOPPED);
  g_assert_nonnull (terrarium_vm_process_get_failure (process));
  g_assert_null (terrarium_vm_process_get_proxy (process));
  log = g_build_filename (folder, "vmm.log", NULL);
  g_assert_true (g_file_test (log, G_FILE_TEST_IS_REGULAR));
  g_assert_cmpstr (terrarium_vm_process_get_failure_log (process), !=, "");
  g_test_message ("failure: %s\n%s", terrarium_vm_process_get_failure (process),
                  terrarium_vm_process_get_failure_log (process));

  rm_rf (tmp);
}

int
main (int argc, char **argv)
{
  g_autofree char *runtime = NULL;

  /* Before anything asks GLib for it: sockets go to a folder of ours. */
  runtime = g_dir_make_tmp ("terrarium-runtime-XXXXXX", NULL);
  g_setenv ("XDG_RUNTIME_DIR", runtime, TRUE);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vm-process/socket-path", test_socket_path);
  g_test_add_func ("/vm-process/find-vmm", test_find_vmm);
  g_test_add_func ("/vm-process/log-tail", test_log_tail);
  g_test_add_func ("/vm-process/exit-reason", test_exit_reason);
  g_test_add_func ("/vm-process/vmm-refuses", test_vmm_refuses);

  int ret = g_test_run ();

  rm_rf (runtime);
  return ret;
}
